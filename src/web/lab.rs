//! The run panel shared by exercises and the sandbox: controls, the live diagram, goals, theory
//! beside measurement, and the charts — driven frame by frame by a timer this component owns.

use super::browser;
use super::charts::Chart;
use super::diagram::Diagram;
use super::parts_table::PartsTable;
use super::theory_box::TheoryBox;
use crate::chart::ChartKind;
use crate::exercise::Goal;
use crate::playground::{Session, Speed};
use crate::report::{Series, Summary};
use crate::scenario::Config;
use gloo_timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Real time the engine may use per frame, in milliseconds.
const FRAME_BUDGET_MS: f64 = 8.0;

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub config: Rc<Config>,
    #[prop_or_default]
    pub goals: Rc<Vec<Goal>>,
    #[prop_or_default]
    pub watch: Vec<String>,
    /// Called once per finished run with its summary.
    #[prop_or_default]
    pub on_finished: Callback<Summary>,
    /// Asks the owner for a fresh seed.
    #[prop_or_default]
    pub on_new_seed: Callback<()>,
}

fn format_metric(goal: &Goal, value: f64) -> String {
    if value.is_nan() {
        "–".into()
    } else if goal.is_duration {
        crate::report::format::seconds(value)
    } else {
        crate::report::format::number(value)
    }
}

/// Whether the diagram draws single jobs at this speed: a person can follow them at 1× and 10×;
/// faster, it sums them up.
fn watches_jobs(speed: Speed) -> bool {
    matches!(speed, Speed::X1 | Speed::X10)
}

#[function_component(Lab)]
pub fn lab(props: &LabProps) -> Html {
    let session = use_mut_ref(|| Session::new((*props.config).clone()));
    let running = use_state(|| false);
    let show_ghost = use_state(|| true);
    let speed = use_state(|| Speed::X100);
    // The last Step's words, and whether the diagram shows single jobs because of stepping.
    let told = use_state(String::new);
    let stepped = use_state(|| false);
    let names = use_memo(props.config.clone(), |config| {
        crate::playground::narrate::station_names(config)
    });
    let class_names = use_memo(props.config.clone(), |config| {
        config
            .classes
            .iter()
            .map(|class| class.name.clone())
            .collect::<Vec<_>>()
    });
    let version = use_mut_ref(|| 0u64);
    let reported = use_mut_ref(|| false);
    let redraw = use_force_update();
    // Theory depends only on the configuration: worked out once per knob change, not per frame.
    let analysis = use_memo(props.config.clone(), |config| {
        crate::theory::Analysis::of(config)
    });

    // A new configuration (knob, seed, reset) starts a new run; the old one becomes the ghost.
    {
        let session = session.clone();
        let reported = reported.clone();
        let version = version.clone();
        let redraw = redraw.clone();
        use_effect_with(props.config.clone(), move |config| {
            let mut session = session.borrow_mut();
            if session.config() != &**config || session.engine().now() > crate::time::SimTime::ZERO
            {
                session.restart((**config).clone());
            }
            *reported.borrow_mut() = false;
            *version.borrow_mut() += 1;
            redraw.force_update();
        });
    }

    // The frame loop: only while running; dropping the interval stops it.
    {
        let session = session.clone();
        let running_handle = running.clone();
        let version = version.clone();
        let reported = reported.clone();
        // The latest callback, not the one of the render that pressed Run.
        let on_finished = use_mut_ref(|| props.on_finished.clone());
        *on_finished.borrow_mut() = props.on_finished.clone();
        let redraw = redraw.clone();
        let speed = *speed;
        use_effect_with((*running, speed), move |(running, _)| {
            let last = Rc::new(Cell::new(browser::now_ms()));
            let interval = running.then(|| {
                Interval::new(16, move || {
                    let now = browser::now_ms();
                    let elapsed = (now - last.replace(now)) / 1000.0;
                    let mut session = session.borrow_mut();
                    session.speed = speed;
                    session.set_watching(watches_jobs(speed));
                    session.frame(elapsed, &browser::now_ms, FRAME_BUDGET_MS);
                    *version.borrow_mut() += 1;
                    if session.is_finished() {
                        running_handle.set(false);
                        if !reported.replace(true) {
                            let on_finished = on_finished.borrow().clone();
                            on_finished.emit(session.summary().clone());
                        }
                    }
                    redraw.force_update();
                })
            });
            move || drop(interval)
        });
    }

    let toggle = {
        let running = running.clone();
        let session = session.clone();
        let config = props.config.clone();
        let (told, stepped) = (told.clone(), stepped.clone());
        Callback::from(move |_: MouseEvent| {
            told.set(String::new());
            stepped.set(false);
            if session.borrow().is_finished() {
                session.borrow_mut().restart((*config).clone());
            }
            running.set(!*running);
        })
    };
    let step = {
        let session = session.clone();
        let version = version.clone();
        let redraw = redraw.clone();
        let running = running.clone();
        let (told, stepped, names) = (told.clone(), stepped.clone(), names.clone());
        Callback::from(move |_: MouseEvent| {
            running.set(false);
            stepped.set(true);
            told.set(session.borrow_mut().step(&names));
            *version.borrow_mut() += 1;
            redraw.force_update();
        })
    };
    let reset = {
        let session = session.clone();
        let config = props.config.clone();
        let version = version.clone();
        let reported = reported.clone();
        let redraw = redraw.clone();
        let running = running.clone();
        let told = told.clone();
        Callback::from(move |_: MouseEvent| {
            running.set(false);
            told.set(String::new());
            session.borrow_mut().restart((*config).clone());
            *reported.borrow_mut() = false;
            *version.borrow_mut() += 1;
            redraw.force_update();
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Some(chosen) = Speed::ALL.iter().find(|s| s.label() == select.value()) {
                speed.set(*chosen);
            }
        })
    };
    let new_seed = {
        let on_new_seed = props.on_new_seed.clone();
        Callback::from(move |_: MouseEvent| on_new_seed.emit(()))
    };
    let toggle_ghost = {
        let show_ghost = show_ghost.clone();
        Callback::from(move |_: Event| show_ghost.set(!*show_ghost))
    };
    let export_csv = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let csv = session.borrow().series().to_csv();
            browser::download_text("queuelab-series.csv", "text/csv", &csv);
        })
    };

    let detailed = watches_jobs(*speed) || *stepped;
    session.borrow_mut().set_watching(detailed);
    let session_ref = session.borrow();
    let watch = session_ref.watch().map(Rc::new);
    let summary = session_ref.summary().clone();
    let snapshot = session_ref.snapshot();
    let finished = session_ref.is_finished();
    let series: Rc<Series> = Rc::new(session_ref.series().clone());
    let ghost: Option<Rc<Series>> = session_ref
        .ghost
        .as_ref()
        .filter(|_| *show_ghost)
        .map(|(s, _)| Rc::new(s.clone()));
    let ghost_summary: Option<Summary> = session_ref.ghost.as_ref().map(|(_, s)| s.clone());
    let progress = session_ref.progress();
    drop(session_ref);
    // Every number, as JSON: written out only once something ran and while the run stands still.
    // With 1000 class pools it is over half a megabyte, too much to rebuild on every frame.
    let json = (!*running && summary.events > 0).then(|| {
        serde_json::to_value(&summary)
            .and_then(|json| serde_json::to_string_pretty(&json))
            .unwrap_or_default()
    });
    let version_now = *version.borrow();

    // The watched charts first, those this configuration has (a knob may have removed one).
    let available = crate::chart::kinds_for(&props.config);
    let mut kinds: Vec<ChartKind> = props
        .watch
        .iter()
        .filter_map(|name| ChartKind::from_name(name))
        .filter(|kind| available.contains(kind))
        .collect();
    let rest: Vec<ChartKind> = available
        .into_iter()
        .filter(|k| !kinds.contains(k))
        .collect();
    kinds.extend(rest);

    let state_label = if finished {
        "finished"
    } else if *running {
        "running"
    } else if summary.events == 0 {
        "ready"
    } else {
        "paused"
    };

    html! {
        <section class="lab" data-state={state_label}>
            <div class="controls" role="toolbar" aria-label="Run controls">
                <button class="primary" onclick={toggle} data-test="run">
                    { if *running { "Pause" } else if finished { "Run again" } else if summary.events > 0 { "Resume" } else { "Run" } }
                </button>
                <button onclick={step} disabled={finished} title="Process one event" data-test="step">{"Step"}</button>
                <button onclick={reset}>{"Reset"}</button>
                <label>{"Speed "}
                    <select onchange={on_speed} data-test="speed">
                        { for Speed::ALL.iter().map(|s| html! { <option value={s.label()} selected={*s == *speed}>{s.label()}</option> }) }
                    </select>
                </label>
                <span class="seed">{format!("seed {}", props.config.seed)}</span>
                <button onclick={new_seed} title="Same knobs, different random arrivals">{"New seed"}</button>
                <progress max="1" value={format!("{progress:.3}")} aria-label="Run progress"></progress>
                <span class="clock" data-test="clock">{format!("t = {:.1} s · {} events", snapshot.now.as_secs_f64(), summary.events)}</span>
            </div>
            if let Some(why) = summary.cut_short() {
                <p class="warn" role="alert" data-test="cut-short">{format!("The run stopped early: {why}.")}</p>
            }
            <Diagram snapshot={snapshot} rejected={summary.rejected} dropped={summary.dropped}
                timed_out={summary.timed_out} completed={summary.completed} watch={watch}
                names={names.clone()} classes={class_names.clone()} factor={speed.factor().unwrap_or(1000.0)} />
            <p class="step-told" aria-live="polite" data-test="step-told">{(*told).clone()}</p>
            if !props.goals.is_empty() {
                <section class="goals" aria-live="polite">
                    <h2 class="part">{ if finished { "Goals (final)" } else { "Goals (live)" } }</h2>
                    <ul>
                        { for props.goals.iter().enumerate().map(|(i, goal)| {
                            let result = goal.evaluate(&summary);
                            let status = if summary.completed == 0 { "pending" } else if result.passed { "pass" } else { "fail" };
                            html! {
                                <li class={classes!("goal", status)} data-goal={i.to_string()} data-status={status}>
                                    <span class="mark">{ match status { "pass" => "✓", "fail" => "✗", _ => "…" } }</span>
                                    <span class="what">{goal.to_string()}</span>
                                    <span class="actual">{format!("now {}", format_metric(goal, result.actual))}</span>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }
            if !summary.script_console.is_empty() {
                <details class="console" open=true data-test="script-console">
                    <summary>{format!("What your script printed ({} lines)", summary.script_console.len())}</summary>
                    <pre>{ for summary.script_console.iter().map(|line| format!("t = {:.3} s  {}: {}\n", line.at_seconds, line.hook, line.text)) }</pre>
                </details>
            }
            <TheoryBox analysis={analysis} summary={summary.clone()} />
            <PartsTable title="Pipeline stages" label="stage" parts={summary.stages.clone()} />
            <PartsTable title="Shards" label="shard" parts={summary.shards.clone()} />
            <PartsTable title="Pools" label="pool" parts={summary.pools.clone()} />
            <div class="compare">
                <label><input type="checkbox" checked={*show_ghost} onchange={toggle_ghost} />
                    {" show the previous run (grey)"}</label>
                if let Some(previous) = ghost_summary {
                    <span class="previous">{format!("previous run: p99 {} · rejected {:.1}% · throughput {:.1}/s",
                        crate::report::format::seconds(previous.latency.p99), previous.rejected_ratio * 100.0, previous.throughput)}</span>
                }
                <button class="link" onclick={export_csv}>{"Download series (CSV)"}</button>
            </div>
            <div class="charts">
                { for kinds.iter().map(|kind| {
                    let thresholds: Vec<crate::chart::GoalLine> = props.goals.iter()
                        .filter(|g| kind.shows_metric(g.metric.path()))
                        .map(|g| crate::chart::GoalLine { value: g.target, label: g.to_string() })
                        .collect();
                    html! { <Chart kind={*kind} series={series.clone()} ghost={ghost.clone()} thresholds={thresholds} version={version_now} /> }
                }) }
            </div>
            <details class="numbers">
                <summary>{"All numbers (the JSON summary)"}</summary>
                if let Some(json) = json {
                    <pre data-test="summary-json">{json}</pre>
                } else {
                    <p>{"Shown once the run is paused or finished."}</p>
                }
            </details>
        </section>
    }
}
