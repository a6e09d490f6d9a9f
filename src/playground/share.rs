//! An exercise carried whole in a link, so an instructor can share one without a server:
//! `#/x/PAYLOAD`, where PAYLOAD is the exercise file's TOML compressed with zlib (deflate plus an
//! Adler-32 checksum, so a changed byte is noticed) and written in base64url without padding.
//!
//! Decoding never trusts the payload: a character outside base64url, a cut or altered stream, a
//! text that is not UTF-8, or one that would unpack past [`MAX_INPUT_BYTES`] (the size any
//! exercise file may have) each give a sentence saying so, and unpacking stops at that size, so
//! a small link cannot make the page allocate gigabytes. What the text then says is the
//! exercise parser's business, as for a file. A course travels the same way, as `#/course/PAYLOAD`.
//!
//! ```
//! use queuelab::playground::share;
//! let link = share::link("id = \"mine\"\n").unwrap();
//! assert!(link.starts_with("#/x/"));
//! assert_eq!(share::decode(&link["#/x/".len()..]).unwrap(), "id = \"mine\"\n");
//! ```

use crate::scenario::limits::{MAX_INPUT_BYTES, MAX_URL_FRAGMENT_BYTES};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The route a shared exercise's link starts with.
pub const ROUTE: &str = "#/x/";

/// zlib level: the best compression; exercises are small, so time does not matter.
const LEVEL: u8 = 10;

/// The payload of a link carrying `text`.
pub fn encode(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(
        text.as_bytes(),
        LEVEL,
    ))
}

/// The link (`#/x/…`) carrying `text`, or why there is none: the playground reads fragments of
/// at most [`MAX_URL_FRAGMENT_BYTES`].
pub fn link(text: &str) -> Result<String, String> {
    let link = format!("{ROUTE}{}", encode(text));
    if link.len() - 1 > MAX_URL_FRAGMENT_BYTES {
        return Err(format!(
            "This exercise is too large for a link: compressed it takes {} characters, more than the {MAX_URL_FRAGMENT_BYTES} a playground address may have. Share the .toml file instead.",
            link.len() - 1
        ));
    }
    Ok(link)
}

/// The exercise text a payload carries, or a sentence saying what is wrong with the link.
pub fn decode(payload: &str) -> Result<String, String> {
    decode_text(payload, "exercise")
}

/// The route a shared course's link starts with (`#/course/PAYLOAD`, the same packing).
pub const COURSE_ROUTE: &str = "#/course/";

/// The link (`#/course/…`) carrying a course file's text, or why there is none.
pub fn course_link(text: &str) -> Result<String, String> {
    let link = format!("{COURSE_ROUTE}{}", encode(text));
    if link.len() - 1 > MAX_URL_FRAGMENT_BYTES {
        return Err(format!(
            "This course is too large for a link: compressed it takes {} characters, more than the {MAX_URL_FRAGMENT_BYTES} a playground address may have. Put its own exercises in links of their own (Share on the authoring page), or share the .toml file.",
            link.len() - 1
        ));
    }
    Ok(link)
}

/// The text a payload carries, or a sentence saying what is wrong with the link, which carries
/// `what` ("exercise", "course").
pub fn decode_text(payload: &str, what: &str) -> Result<String, String> {
    let cut = "Was the link cut short or changed? Ask for it again, or for the .toml file.";
    let too_large = || {
        format!(
            "This link's {what} unpacks to more than {MAX_INPUT_BYTES} bytes, the most a {what} file may have."
        )
    };
    if let Some((at, bad)) = payload
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "This link's {what} is damaged: {:?} at character {} is not part of a shared {what}. {cut}",
            bad.to_string(),
            payload[..at].chars().count() + 1
        ));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| format!("This link's {what} is damaged: its length does not fit. {cut}"))?;
    let text = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&bytes, MAX_INPUT_BYTES + 1)
        .map_err(|error| match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => too_large(),
            _ => format!("This link's {what} is damaged: it does not unpack. {cut}"),
        })?;
    if text.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    String::from_utf8(text)
        .map_err(|_| format!("This link's {what} is damaged: it is not text. {cut}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_exercise_fits_a_link_and_comes_back_unchanged() {
        for (name, text) in crate::exercise::catalog_files() {
            let link = link(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decode(&link[ROUTE.len()..]).as_deref(), Ok(*text), "{name}");
        }
    }

    #[test]
    fn cut_tampered_and_foreign_payloads_say_so() {
        let payload = encode(crate::exercise::catalog_files()[0].1);
        let cut = decode(&payload[..payload.len() / 2]).unwrap_err();
        assert!(cut.contains("cut short or changed"), "{cut}");
        let mut bytes = payload.clone().into_bytes();
        let middle = bytes.len() / 2;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let tampered = decode(&String::from_utf8(bytes).unwrap()).unwrap_err();
        assert!(tampered.contains("damaged"), "{tampered}");
        let foreign = decode("abc%20def").unwrap_err();
        assert!(foreign.contains("\"%\" at character 4"), "{foreign}");
        assert!(decode("").unwrap_err().contains("damaged"));
    }

    #[test]
    fn a_small_link_cannot_unpack_past_the_file_limit() {
        let bomb = "a".repeat(MAX_INPUT_BYTES + 10);
        let payload = encode(&bomb);
        assert!(payload.len() < 4000, "{}", payload.len());
        let refused = decode(&payload).unwrap_err();
        assert!(refused.contains("more than 1048576 bytes"), "{refused}");
        assert!(decode(&encode(&"a".repeat(MAX_INPUT_BYTES))).is_ok());
    }

    #[test]
    fn too_large_for_a_link_says_to_share_the_file() {
        // Incompressible text: every character different from a simple generator.
        let mut state = 1u64;
        let noise: String = (0..20_000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                char::from(b'a' + (state >> 59) as u8 % 26)
            })
            .collect();
        assert!(link(&noise).unwrap_err().contains("Share the .toml file"));
    }
}
