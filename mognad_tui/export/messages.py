"""Texts of the exports (Markdown, CSV headers, chart titles) in Swedish and English.

Kept beside the export code, as every face keeps its own catalogue. Swedish follows
Språklagen's "vårdat, enkelt och begripligt": short sentences, everyday words, "vi".
Keys ending in ``_one``/``_other`` are picked by :func:`plural`.
"""

from __future__ import annotations

from mognad_tui.i18n import Catalog

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        "report_title": "Digital mognad: förvaltningens sammanställning",
        "report_byline": "{units} · möten från {first} till {last}",
        "report_stance": (
            "Enheterna står i bokstavsordning. Sammanställningen rangordnar inte enheter och ger "
            "ingen samlad siffra per enhet: siffrorna är underlag för samtal."
        ),
        "units_one": "{n} enhet",
        "units_other": "{n} enheter",
        "report_todo_h": "Det här behöver förvaltningen göra",
        "report_requests_h": "Enheternas behov av förvaltningen",
        "report_request_lead": "{prerequisite} ({units}):",
        "report_quote": "”{text}” ({unit})",
        "report_no_requests": "Ingen enhet har tagit upp behov till förvaltningen.",
        "report_needs_h": "Behov som återkommer",
        "report_need_lead": "{area}, {kind} ({units}):",
        "report_kind_competence": "kompetens",
        "report_kind_change": "förändring",
        "report_no_area": "Utan område",
        "report_no_needs": "Inga behov antecknade.",
        "report_areas_h": "Områden",
        "report_areas_note": (
            "Förvaltningens siffra är medel av enheternas siffror, vägt med antalet som svarat. "
            "Bara enheter med tillräckligt många svar i området räknas med. Spridningen är "
            "lägsta och högsta enhet. En enhet som är stark där andra har det svårt kan andra "
            "lära av."
        ),
        "report_col_forvaltning": "Förvaltningen",
        "report_col_units": "Enheter",
        "report_units_of": "{shown} av {total}",
        "report_col_range": "Lägst–högst",
        "report_col_learn": "Kan andra lära av",
        "report_too_few": "för få svar",
        "report_units_h": "Enheter och områden",
        "report_round": "Omgång: {label}.",
        "report_chart_title": "Medelvärde per område och enhet",
        "report_chart_alt": (
            "Diagram: varje enhets medelvärde per område, enheterna i bokstavsordning."
        ),
        "report_chart_left_out": "Inte med i diagrammet (för få svar i alla områden): {units}.",
        "report_units_note": (
            "Varje områdes siffra räknas bara på påståenden med tillräckligt många svar. "
            "Enheterna står i bokstavsordning."
        ),
        "report_col_unit": "Enhet",
        "report_overdue": "{status}, försenad",
        "report_no_actions": "Inga åtgärder antecknade.",
        "report_change_h": "Förändring sedan förra omgången",
        "report_change_note": (
            "Enheter med en sammanfattning från förra omgången: {n}. Förvaltningens siffra "
            "jämförs över just de enheterna."
        ),
        "report_byline_one_day": "{units} · möte {first}",
        "report_forvaltning": "Förvaltningen",
        "report_about_h": "Om underlaget",
        "report_other_set": "{unit} svarade på ett annat frågeset ({set}): bara de {shared} "
        "områden som seten har gemensamma jämförs.",
        "report_about": "Frågeset: {sets}. Sammanställningen bygger bara på enheternas "
        "sammanfattningar: inga enskilda svar och inget under enheternas tröskel.",
        "title": "Digital mognad: {group}",
        "byline": "{date} · {participants} · frågeset {set}",
        "byline_before_survey": "{date} · frågeset {set}",
        "closed_note": (
            "Mötet är stängt: enskilda svar och fritexter är raderade. Siffrorna är de som "
            "planen visade när mötet stängdes."
        ),
        "participants_one": "{n} deltagare",
        "participants_other": "{n} deltagare",
        "answers_one": "{n} svar",
        "answers_other": "{n} svar",
        "dots_one": "{n} prick",
        "dots_other": "{n} prickar",
        "plan_h": "Till verksamhetsplanen",
        "priorities_three_h": "Våra tre prioriteringar",
        "priorities_h": "Våra prioriteringar",
        "no_priorities": "Vi har inte prioriterat ännu.",
        "requests_h": "Behov vi tar till förvaltningen",
        "request_line": "{prerequisite}: {text}",
        "request_strategy": "Strategi",
        "request_economy": "Ekonomi",
        "request_infrastructure": "Infrastruktur",
        "request_support": "Stöd",
        "no_requests": "Inga behov till förvaltningen.",
        "found_h": "Det här kom vi fram till",
        "summary_disagree": "Här tycker vi olika:",
        "no_disagree_short": "inga stora skillnader",
        "appendix_h": "Bilaga: enkätens resultat",
        "summary": "Sammanfattning",
        "summary_strengths": "Styrkor:",
        "summary_gaps": "Största luckor:",
        "summary_priorities": "Våra tre prioriteringar:",
        "summary_no_strengths": "inga tydliga styrkor ännu",
        "summary_no_gaps": "inga tydliga luckor ännu",
        "summary_no_priorities": "inga åtgärder med hög prioritet ännu",
        "step1": "Steg 1: Dialog om digitalt först",
        "step2": "Steg 2: Självskattning",
        "step3": "Steg 3: Dialog om resultatet",
        "step4": "Steg 4: Till verksamhetsplanen",
        "no_notes": "Inga anteckningar.",
        "col_statement": "Påstående",
        "col_n": "Svar",
        "col_dont_know": "Vet ej",
        "col_median": "Median",
        "col_mean": "Medel",
        "col_spread": "Spridning",
        "col_distribution": "Fördelning {low}–{high}",
        "col_bar": "Medel som stapel",
        "too_few": "för få svar för att visa resultat",
        "too_few_line": "{answers}: för få svar för att visa resultat.",
        "dimension_line": "Medel {score} · spridning {spread} · {answers} · fördelning {sparkline}",
        "all_alike": (
            "Alla som svarade med ett värde gav samma svar på: {items}. "
            "Resultatet visar därför vad var och en svarade."
        ),
        "chart_alt_dimension": "Diagram: svaren per påstående i {title}",
        "chart_alt_dimensions": "Diagram: medelvärde per område",
        "chart_alt_change": "Diagram: förändring per område sedan förra mätningen",
        "other_questions": "Övriga frågor",
        "item_notes": "Anteckningar till påståendena",
        "results_h": "Vad resultatet visar",
        "strengths_h": "Styrkor",
        "strength_line": "{title}: medel {score}",
        "no_strengths": "Inget område sticker ut som starkast.",
        "gaps_h": "Prioriterade luckor (lågt värde, hög vikt)",
        "gap_line": "{text}: medel {mean}, viktigt för {important} av {rated}",
        "no_gaps": "Inga påståenden har både lågt värde och hög vikt.",
        "lowest_h": "Lägst värde",
        "lowest_line": "{text}: medel {mean}",
        "no_lowest": "Inga påståenden ligger under mitten av skalan.",
        "weakest_dims": "Svagast just nu: {titles}.",
        "area_in_part": "{title} i del {part}",
        "disagree_h": "Här tycker vi olika",
        "disagree_line": "{text}: medel {mean}, spridning {spread}. Någon här kan lära de andra.",
        "no_disagree": "Gruppen är ganska enig om alla påståenden.",
        "polls_h": "Snabbfrågor",
        "scale_summary": "Median {median} · medel {mean} · spridning {spread}",
        "choice_line": "{label}: {count} ({share})",
        "dots_line": "{label}: {dots}",
        "no_texts": "Inga svar är godkända.",
        "dont_know": "Vet ej / ej relevant",
        "competence_h": "Kompetensbehov",
        "change_needs_h": "Förändringsbehov",
        "no_needs": "Inga behov antecknade.",
        "need_dimension": "{text} ({dimension})",
        "prerequisites_h": "Förutsättningar (strategi, ekonomi, infrastruktur, stöd)",
        "actions_h": "Åtgärder",
        "col_action": "Åtgärd",
        "col_owner": "Ansvarig",
        "col_due": "Klart senast",
        "col_priority": "Prioritet",
        "col_follow_up": "Uppföljning",
        "col_need": "Behov",
        "col_status": "Status",
        "no_actions": "Inga åtgärder ännu.",
        "priority_high": "Hög",
        "priority_medium": "Medel",
        "priority_low": "Låg",
        "status_planned": "Planerad",
        "status_started": "Påbörjad",
        "status_done": "Klar",
        "status_dropped": "Avbruten",
        "change_h": "Förändring sedan förra mätningen",
        "change_intro": (
            "Jämfört med mätningen {date}. Förändringen visas bara där båda "
            "mätningarna har tillräckligt många svar."
        ),
        "col_dimension": "Område",
        "col_before": "Förra mätningen",
        "col_after": "Nu",
        "col_delta": "Förändring",
        "change_items_h": "Förändring per påstående",
        "change_versions": "Frågesetet har ändrats sedan dess, så jämförelsen gäller bara de "
        "frågor som fanns med båda gångerna.",
        "new_items": "Nya frågor sedan förra mätningen:",
        "dropped_items": "Frågor som inte finns med längre:",
        "previous_actions_h": "Åtgärder från förra mätningen",
        "previous_actions_done": "{done} av {total} åtgärder är klara.",
        "no_previous_actions": "Förra mätningen hade inga åtgärder.",
        "next_h": "Nästa mätning",
        "next_missing": (
            "Bestäm när vi mäter igen, till exempel om ett år, så att vi kan följa förändringen."
        ),
        "about_h": "Om underlaget",
        "about_collected": (
            "Svaren lämnades anonymt, från mobilen eller via mötesledarens tangentbord. "
            "Röster som mötesledaren räknade och skrev in (handuppräckning, papper) ingår i "
            "resultaten."
        ),
        "about_threshold": (
            "Ett resultat visas bara när minst {threshold} har svarat. Annars visas bara "
            "antalet svar."
        ),
        "about_dont_know": (
            "”Vet ej / ej relevant” räknas i antalet svar men inte i median, medel och spridning."
        ),
        "about_spread": (
            "Spridning är standardavvikelsen. Stor spridning betyder att vi svarade olika, "
            "och att någon i gruppen kan lära de andra."
        ),
        "about_free_text": (
            "Fritextsvar visas bara om mötesledaren har godkänt dem, i blandad ordning."
        ),
        "about_no_ranking": (
            "Resultaten beskriver vår grupp. De är inte till för att jämföra enheter."
        ),
        "chart_dimensions_title": "Medelvärde per område",
        "chart_dimension_title": "{title}: svar per påstående",
        "chart_change_title": "Förändring sedan {date}",
        "chart_before": "Förra ({date})",
        "chart_after": "Nu ({date})",
        "csv_question": "fråga",
        "csv_kind": "typ",
        "csv_dimension": "område",
        "csv_text": "text",
        "csv_n": "antal_svar",
        "csv_shown": "visas",
        "csv_dont_know": "vet_ej",
        "csv_median": "median",
        "csv_mean": "medel",
        "csv_spread": "spridning",
        "csv_disagreement": "oenighet",
        "csv_all_alike": "alla_lika",
        "csv_distribution": "fördelning",
        "csv_value": "svar",
        "csv_below_threshold": "under_gränsen",
        "csv_yes": "ja",
        "csv_no": "nej",
    },
    "en": {
        "report_title": "Digital maturity: the förvaltning's roll-up",
        "report_byline": "{units} · meetings from {first} to {last}",
        "report_stance": (
            "Units appear in alphabetical order. The roll-up does not rank units and gives no "
            "overall figure per unit: the figures are there for conversation."
        ),
        "units_one": "{n} unit",
        "units_other": "{n} units",
        "report_todo_h": "What the förvaltning needs to do",
        "report_requests_h": "What the units need from the förvaltning",
        "report_request_lead": "{prerequisite} ({units}):",
        "report_quote": "“{text}” ({unit})",
        "report_no_requests": "No unit has raised a need for the förvaltning.",
        "report_needs_h": "Recurring needs",
        "report_need_lead": "{area}, {kind} ({units}):",
        "report_kind_competence": "competence",
        "report_kind_change": "change",
        "report_no_area": "No area",
        "report_no_needs": "No needs noted.",
        "report_areas_h": "Areas",
        "report_areas_note": (
            "The förvaltning's figure is the mean of the units' figures, weighted by how many "
            "answered. Only units with enough answers in the area count. The spread is the "
            "lowest and the highest unit. Others can learn from a unit that is strong where "
            "others find it hard."
        ),
        "report_col_forvaltning": "Förvaltning",
        "report_col_units": "Units",
        "report_units_of": "{shown} of {total}",
        "report_col_range": "Lowest–highest",
        "report_col_learn": "Others can learn from",
        "report_too_few": "too few answers",
        "report_units_h": "Units and areas",
        "report_round": "Round: {label}.",
        "report_chart_title": "Mean per area and unit",
        "report_chart_alt": "Chart: each unit's mean per area, units in alphabetical order.",
        "report_chart_left_out": "Not in the chart (too few answers in every area): {units}.",
        "report_units_note": (
            "Each area's figure counts only statements with enough answers. Units appear in "
            "alphabetical order."
        ),
        "report_col_unit": "Unit",
        "report_overdue": "{status}, overdue",
        "report_no_actions": "No actions noted.",
        "report_change_h": "Change since the last round",
        "report_change_note": (
            "Units with a summary from the last round: {n}. The förvaltning's figure is "
            "compared over those units only."
        ),
        "report_byline_one_day": "{units} · meeting {first}",
        "report_forvaltning": "Förvaltning",
        "report_about_h": "About the data",
        "report_other_set": "{unit} answered another question set ({set}): only the {shared} "
        "areas the sets share are compared.",
        "report_about": "Question sets: {sets}. The roll-up uses only the units' summaries: no "
        "single answers and nothing below a unit's threshold.",
        "title": "Digital maturity: {group}",
        "byline": "{date} · {participants} · question set {set}",
        "byline_before_survey": "{date} · question set {set}",
        "closed_note": (
            "The meeting is closed: single answers and free texts are deleted. The figures "
            "are those the plan showed when the meeting was closed."
        ),
        "participants_one": "{n} participant",
        "participants_other": "{n} participants",
        "answers_one": "{n} answer",
        "answers_other": "{n} answers",
        "dots_one": "{n} dot",
        "dots_other": "{n} dots",
        "plan_h": "For the operational plan",
        "priorities_three_h": "Our three priorities",
        "priorities_h": "Our priorities",
        "no_priorities": "We have not set priorities yet.",
        "requests_h": "Needs we take to the administration",
        "request_line": "{prerequisite}: {text}",
        "request_strategy": "Strategy",
        "request_economy": "Economy",
        "request_infrastructure": "Infrastructure",
        "request_support": "Support",
        "no_requests": "No needs for the administration.",
        "found_h": "What we found",
        "summary_disagree": "Where we disagree:",
        "no_disagree_short": "no big differences",
        "appendix_h": "Appendix: survey results",
        "summary": "Summary",
        "summary_strengths": "Strengths:",
        "summary_gaps": "Biggest gaps:",
        "summary_priorities": "Our three priorities:",
        "summary_no_strengths": "no clear strengths yet",
        "summary_no_gaps": "no clear gaps yet",
        "summary_no_priorities": "no high-priority actions yet",
        "step1": "Step 1: Dialogue on digital first",
        "step2": "Step 2: Self-assessment",
        "step3": "Step 3: Dialogue on the results",
        "step4": "Step 4: Into the operational plan",
        "no_notes": "No notes.",
        "col_statement": "Statement",
        "col_n": "Answers",
        "col_dont_know": "Don't know",
        "col_median": "Median",
        "col_mean": "Mean",
        "col_spread": "Spread",
        "col_distribution": "Distribution {low}–{high}",
        "col_bar": "Mean as a bar",
        "too_few": "too few answers to show results",
        "too_few_line": "{answers}: too few answers to show results.",
        "dimension_line": "Mean {score} · spread {spread} · {answers} · distribution {sparkline}",
        "all_alike": (
            "Everyone who answered with a value gave the same answer to: {items}. "
            "So the result shows what each person answered."
        ),
        "chart_alt_dimension": "Chart: answers per statement in {title}",
        "chart_alt_dimensions": "Chart: mean per area",
        "chart_alt_change": "Chart: change per area since the last measurement",
        "other_questions": "Other questions",
        "item_notes": "Notes on the statements",
        "results_h": "What the results show",
        "strengths_h": "Strengths",
        "strength_line": "{title}: mean {score}",
        "no_strengths": "No area stands out as the strongest.",
        "gaps_h": "Priority gaps (low score, high importance)",
        "gap_line": "{text}: mean {mean}, important to {important} of {rated}",
        "no_gaps": "No statement has both a low score and high importance.",
        "lowest_h": "Lowest scores",
        "lowest_line": "{text}: mean {mean}",
        "no_lowest": "No statement is below the middle of the scale.",
        "weakest_dims": "Weakest right now: {titles}.",
        "area_in_part": "{title} in part {part}",
        "disagree_h": "Where we disagree",
        "disagree_line": "{text}: mean {mean}, spread {spread}. Someone here can teach the others.",
        "no_disagree": "The group largely agrees on every statement.",
        "polls_h": "Quick polls",
        "scale_summary": "Median {median} · mean {mean} · spread {spread}",
        "choice_line": "{label}: {count} ({share})",
        "dots_line": "{label}: {dots}",
        "no_texts": "No answers are approved.",
        "dont_know": "Don't know / not relevant",
        "competence_h": "Competence needs",
        "change_needs_h": "Change needs",
        "no_needs": "No needs noted.",
        "need_dimension": "{text} ({dimension})",
        "prerequisites_h": "Prerequisites (strategy, economy, infrastructure, support)",
        "actions_h": "Actions",
        "col_action": "Action",
        "col_owner": "Owner",
        "col_due": "Done by",
        "col_priority": "Priority",
        "col_follow_up": "Follow-up",
        "col_need": "Need",
        "col_status": "Status",
        "no_actions": "No actions yet.",
        "priority_high": "High",
        "priority_medium": "Medium",
        "priority_low": "Low",
        "status_planned": "Planned",
        "status_started": "Started",
        "status_done": "Done",
        "status_dropped": "Dropped",
        "change_h": "Change since the last measurement",
        "change_intro": (
            "Compared with the measurement on {date}. Change is shown only where "
            "both measurements have enough answers."
        ),
        "col_dimension": "Area",
        "col_before": "Last time",
        "col_after": "Now",
        "col_delta": "Change",
        "change_items_h": "Change per statement",
        "change_versions": "The question set has changed since then, so the comparison covers "
        "only the questions asked both times.",
        "new_items": "New questions since the last measurement:",
        "dropped_items": "Questions no longer asked:",
        "previous_actions_h": "Actions from the last measurement",
        "previous_actions_done": "{done} of {total} actions are done.",
        "no_previous_actions": "The last measurement had no actions.",
        "next_h": "Next measurement",
        "next_missing": (
            "Decide when we measure again, for example in a year, so that we can follow the change."
        ),
        "about_h": "About the data",
        "about_collected": (
            "Answers were given anonymously, from phones or on the facilitator's keyboard. "
            "Votes the facilitator counted and typed in (show of hands, paper) are included in "
            "the results."
        ),
        "about_threshold": (
            "A result is shown only when at least {threshold} people have answered. Otherwise "
            "only the number of answers is shown."
        ),
        "about_dont_know": (
            "“Don't know / not relevant” counts in the number of answers but not in the "
            "median, mean and spread."
        ),
        "about_spread": (
            "Spread is the standard deviation. A large spread means we answered differently, "
            "and that someone in the group can teach the others."
        ),
        "about_free_text": (
            "Free-text answers are shown only if the facilitator approved them, in shuffled order."
        ),
        "about_no_ranking": (
            "The results describe our group. They are not meant for comparing units."
        ),
        "chart_dimensions_title": "Mean per area",
        "chart_dimension_title": "{title}: answers per statement",
        "chart_change_title": "Change since {date}",
        "chart_before": "Last time ({date})",
        "chart_after": "Now ({date})",
        "csv_question": "question",
        "csv_kind": "kind",
        "csv_dimension": "area",
        "csv_text": "text",
        "csv_n": "answers",
        "csv_shown": "shown",
        "csv_dont_know": "dont_know",
        "csv_median": "median",
        "csv_mean": "mean",
        "csv_spread": "spread",
        "csv_disagreement": "disagreement",
        "csv_all_alike": "all_alike",
        "csv_distribution": "distribution",
        "csv_value": "value",
        "csv_below_threshold": "below_threshold",
        "csv_yes": "yes",
        "csv_no": "no",
    },
}

messages = Catalog(MESSAGES)


def plural(key: str, n: int, lang: str) -> str:
    """``key_one`` for exactly one, else ``key_other``, with ``{n}`` filled in."""
    return messages(f"{key}_one" if n == 1 else f"{key}_other", lang, n=n)
