//! Measured values as JSON, exactly: a goal measures NaN when its run had nothing to measure, and
//! JSON has no NaN or infinity (serde_json writes `null`, which does not read back as a float).
//! Finite values are plain numbers (`float_roundtrip` reads them back bit for bit); the others are
//! the strings `"NaN"`, `"inf"` and `"-inf"`.

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Value {
    Number(f64),
    Named(String),
}

fn to_value(x: f64) -> Value {
    match x {
        x if x.is_finite() => Value::Number(x),
        x if x.is_nan() => Value::Named("NaN".into()),
        x if x > 0.0 => Value::Named("inf".into()),
        _ => Value::Named("-inf".into()),
    }
}

fn from_value(value: Value) -> Result<f64, String> {
    match value {
        Value::Number(x) => Ok(x),
        Value::Named(name) => match name.as_str() {
            "NaN" => Ok(f64::NAN),
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            other => Err(format!("{other:?} is not a measured value")),
        },
    }
}

pub fn serialize<S: Serializer>(rows: &[Vec<f64>], serializer: S) -> Result<S::Ok, S::Error> {
    let rows: Vec<Vec<Value>> = rows
        .iter()
        .map(|row| row.iter().map(|&x| to_value(x)).collect())
        .collect();
    rows.serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<f64>>, D::Error> {
    let rows = Vec::<Vec<Value>>::deserialize(deserializer)?;
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .map(|value| from_value(value).map_err(D::Error::custom))
                .collect()
        })
        .collect()
}
