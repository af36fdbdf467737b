//! The caretakers' boiler log (锅炉运行记录): a reading per round of the boiler room, checked
//! against the boiler's profile as it is typed; a reading past the rating or a stop condition
//! turns the page red with the stop procedure, step by step. Duties due this shift, week and
//! month are shown and ticked with the reading. Saved on the phone first.

use crate::boiler::{
    self, Duty, Medium, Profile, Reading, ReadingRow, StopCondition, WaterLevel, ACCESSORIES,
};
use crate::boiler::{BOILER, BOILER_READING};
use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::core::FieldError;
use crate::i18n::boiler::Text;
use crate::i18n::{Key, Locale};
use crate::model::Action;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::procedure::PROCEDURE_STEP;
use crate::procedure::{self, ProcedureKind};
use leptos::prelude::*;

fn number(s: &str, name: &'static str, locale: Locale) -> Result<Option<f64>, FieldError> {
    let s = s.trim().replace(['，', ','], ".");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| FieldError {
        field: name,
        message: Text::EnterANumber.text(locale).into(),
    })
}

/// Chips choosing any number of `all`.
fn multi<T: Copy + PartialEq + Send + Sync + 'static>(
    legend: &'static str,
    all: &'static [T],
    label: impl Fn(T) -> &'static str + Copy + Send + Sync + 'static,
    code: impl Fn(T) -> &'static str + Copy + Send + Sync + 'static,
    chosen: RwSignal<Vec<T>>,
) -> impl IntoView {
    view! {
        <fieldset class="chips"><legend>{legend}</legend>
            {all.iter().copied().map(|x| view! {
                <button type="button" class="chip" class:on=move || chosen.get().contains(&x)
                    data-testid=format!("chip-{}", code(x))
                    on:click=move |_| chosen.update(|c| if let Some(i) = c.iter().position(|y| *y == x) { c.remove(i); } else { c.push(x); })>
                    {label(x)}</button>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn Boiler() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let chosen_boiler = RwSignal::new(String::new());
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        vec![BOILER.all(), BOILER_READING.at(&s), PROCEDURE_STEP.at(&s)]
    });
    let boilers = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(crate::boiler::BOILER, |_: &Profile| 0)
            .into_iter()
            .filter(|(_, b)| b.site_id == s)
            .collect::<Vec<_>>()
    });
    let current = move || {
        let list = boilers.get();
        let want = chosen_boiler.get();
        list.iter()
            .find(|(id, _)| *id == want)
            .or(list.first())
            .cloned()
    };
    let readings = Memo::new(move |_| {
        let b = current().map(|(id, _)| id).unwrap_or_default();
        rows.get()
            .list(crate::boiler::BOILER_READING, |r: &ReadingRow| r.read_at)
            .into_iter()
            .filter(|(_, r)| r.boiler_id == b)
            .collect::<Vec<_>>()
    });
    // The newest reading that called for a stop whose steps are not all recorded.
    let open_stop = move || {
        readings.get().into_iter().find(|(id, r)| {
            !r.stop_reasons(app.locale).is_empty()
                && !procedure::complete(
                    ProcedureKind::BoilerStop,
                    &crate::procedure::steps_of(&rows.get(), id),
                )
        })
    };
    let due = move || {
        let done: Vec<(i64, Vec<Duty>)> = readings
            .get()
            .iter()
            .map(|(_, r)| (r.read_at, r.duties()))
            .collect();
        boiler::duties_due(&done, crate::phone::client::now_ms() as i64)
    };

    let [supply, ret, pressure, fuel, makeup, anomaly, handling] =
        std::array::from_fn::<_, 7, _>(|_| RwSignal::new(String::new()));
    let level = RwSignal::new(None::<WaterLevel>);
    let pump = RwSignal::new(true);
    let duties = RwSignal::new(Vec::<Duty>::new());
    let faulty = RwSignal::new(Vec::<&'static str>::new());
    let conditions = RwSignal::new(Vec::<StopCondition>::new());
    let bad_field = RwSignal::new(String::new());
    let message = RwSignal::new((String::new(), true));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((boiler_id, profile)) = current() else {
            return;
        };
        let parsed = (|| -> Result<Reading, FieldError> {
            Ok(Reading {
                id: new_uuid(),
                boiler_id,
                supply_c: number(&supply.get_untracked(), "supply_c", app.locale)?,
                return_c: number(&ret.get_untracked(), "return_c", app.locale)?,
                pressure_mpa: number(&pressure.get_untracked(), "pressure_mpa", app.locale)?,
                water_level: level.get_untracked(),
                pump_running: pump.get_untracked(),
                makeup_water: makeup.get_untracked(),
                fuel: fuel.get_untracked(),
                duties: duties.get_untracked(),
                faulty: faulty
                    .get_untracked()
                    .into_iter()
                    .map(String::from)
                    .collect(),
                stop_conditions: conditions.get_untracked(),
                anomaly: anomaly.get_untracked(),
                handling: handling.get_untracked(),
            })
        })();
        let checked =
            parsed.and_then(|r| boiler::check_reading(&profile, r.clone(), app.locale).map(|_| r));
        let r = match checked {
            Ok(r) => r,
            Err(e) => {
                bad_field.set(e.field.into());
                message.set((e.message, false));
                return;
            }
        };
        outbox::send(app, &r, move |r| match r {
            Ok(_) => {
                for s in [supply, ret, pressure, fuel, makeup, anomaly, handling] {
                    s.set(String::new());
                }
                duties.set(Vec::new());
                faulty.set(Vec::new());
                conditions.set(Vec::new());
                bad_field.set(String::new());
                message.set((app.saved_pending().into(), true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let input =
        move |label: &'static str, name: &'static str, s: RwSignal<String>, mode: &'static str| {
            field(label, name, s, mode, Some(bad_field))
        };
    let about = move || {
        current().map(|(_, p): (String, Profile)| {
            let (_, m, d) = crate::phone::client::court_today();
            let season = p.in_season(m, d);
            let rating = format!(
                "{} · {} {} MPa · {} {} ℃",
                p.medium().label(app.locale),
                t(Text::Rated),
                p.rated_pressure_mpa,
                t(Text::Outlet),
                p.rated_temp_c
            );
            view! {
                <p class="muted" data-testid="boiler-profile">{p.name.clone()} " · " {rating}
                    {p.special_equipment().then(|| view! { <br/><span class="tag warn">{t(Text::SpecialEquipmentCertifiedOperatorAnnualInspection)} " " {p.inspection_due.clone()}</span> })}
                    {(!season).then(|| view! { <br/><span class="tag plain">{t(Text::OutsideTheHeatingSeason)} " " {p.season_start.clone()} "–" {p.season_end.clone()}</span> })}
                </p>
            }
        })
    };
    let is_steam = move || current().is_some_and(|(_, p)| p.medium() == Medium::Steam);
    let allowed = move || {
        app.me
            .get()
            .is_some_and(|m| m.can(Action::BoilerLog) || m.can(Action::Inspect))
    };

    view! {
        <SignedIn>
            <Show when=allowed fallback=move || view! { <p class="error">{app.t(Key::ErrForbidden)}</p> }>
                <h1>{t(Text::BoilerLog)}</h1>
                <SitePicker sites=sites site=site />
                <Show when=move || { boilers.get().len() > 1 }>
                    <select name="boiler" on:change=move |ev| chosen_boiler.set(event_target_value(&ev))>
                        {move || boilers.get().into_iter().map(|(id, b)| view! { <option value=id>{b.name}</option> }).collect_view()}
                    </select>
                </Show>
                <Show when=move || current().is_some() fallback=move || view! { <p class="muted">{t(Text::NoBoilerAtThisSite)}</p> }>
                    {about}
                    {move || open_stop().map(|(id, r)| view! {
                        <section class="card watch-alert" data-testid="boiler-stop">
                            <h2>{t(Text::StopTheBoilerNow)}</h2>
                            <ul>{r.stop_reasons(app.locale).into_iter().map(|x| view! { <li class="big" data-testid="stop-reason">{x}</li> }).collect_view()}</ul>
                            <p>{t(Text::FollowTheStepsInOrderTap)}</p>
                            {crate::components::lazy_part(super::procedure::panel(ProcedureKind::BoilerStop, id, rows))}
                        </section>
                    })}
                    {move || {
                        let d = due();
                        (!d.is_empty()).then(|| view! {
                            <p class="tag warn" data-testid="duties-due">{t(Text::Due)}
                                {d.iter().map(|x| format!("{}（{}）", x.label(app.locale), x.every_label(app.locale))).collect::<Vec<_>>().join("、")}</p>
                        })
                    }}
                    <form class="card form" on:submit=submit data-testid="boiler-form" novalidate>
                        <div class="pair">
                            {input(t(Text::OutletC), "supply_c", supply, "decimal")}
                            {input(t(Text::ReturnC), "return_c", ret, "decimal")}
                        </div>
                        {input(t(Text::PressureMpa), "pressure_mpa", pressure, "decimal")}
                        <Show when=is_steam>
                            <fieldset class="chips"><legend>{t(Text::WaterLevel)}</legend>
                                {WaterLevel::ALL.iter().copied().map(|w| view! {
                                    <button type="button" class="chip" class:on=move || level.get() == Some(w)
                                        on:click=move |_| level.set(Some(w))>{w.label(app.locale)}</button>
                                }).collect_view()}
                            </fieldset>
                        </Show>
                        <fieldset class="chips"><legend>{t(Text::CirculationPump)}</legend>
                            <button type="button" class="chip" class:on=move || pump.get() on:click=move |_| pump.set(true)>{t(Text::Running)}</button>
                            <button type="button" class="chip" class:on=move || !pump.get() on:click=move |_| pump.set(false)>{t(Text::Stopped)}</button>
                        </fieldset>
                        {input(t(Text::FuelAndAmount), "fuel", fuel, "text")}
                        {input(t(Text::MakeUpWater), "makeup_water", makeup, "text")}
                        {multi(t(Text::DoneNow), Duty::ALL, move |d| d.label(app.locale), |d| d.code(), duties)}
                        <fieldset class="chips"><legend>{t(Text::FaultySafetyAccessories)}</legend>
                            {ACCESSORIES.iter().map(|(code, words)| {
                                let code: &'static str = code;
                                view! {
                                    <button type="button" class="chip" class:on=move || faulty.get().contains(&code)
                                        on:click=move |_| faulty.update(|f| if let Some(i) = f.iter().position(|x| *x == code) { f.remove(i); } else { f.push(code); })>
                                        {app.t(*words)}</button>
                                }
                            }).collect_view()}
                        </fieldset>
                        <details><summary data-testid="stop-conditions">{t(Text::ConditionsThatStopTheBoiler)}</summary>
                            {multi("", StopCondition::ALL, move |c| c.label(app.locale), |c| c.code(), conditions)}
                        </details>
                        {input(t(Text::AnythingWrong), "anomaly", anomaly, "text")}
                        {input(t(Text::Handling), "handling", handling, "text")}
                        {move || {
                            let (text, ok) = message.get();
                            (!text.is_empty()).then(|| view! {
                                <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                            })
                        }}
                        <button class="primary" type="submit" data-testid="save" disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                    </form>
                    <h2>{t(Text::RecentReadings)}</h2>
                    <ul class="records" data-testid="readings">
                        {move || readings.get().into_iter().take(12).map(|(_, r)| {
                            let stop = r.stop_reasons(app.locale);
                            view! {
                                <li class="rec" data-testid="reading-row">
                                    <div>
                                        <strong>{crate::phone::client::format_local_time(r.read_at as f64)}</strong> " "
                                        {r.supply_c.map(|x| format!("{x} ℃"))} " " {r.pressure_mpa.map(|x| format!("{x} MPa"))}
                                        {(!stop.is_empty()).then(|| view! { <br/><span class="tag alarm">{t(Text::Stop)}{stop.join("；")}</span> })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </Show>
        </SignedIn>
    }
}
