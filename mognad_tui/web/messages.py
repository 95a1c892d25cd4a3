"""The participant page's texts in Swedish and English.

They live beside the web face (each face keeps its own catalogue, see ``mognad_tui.i18n``). The
error codes of the participant API are keys here too, so an error answer always carries a
sentence in the device's language next to its machine-readable code. Swedish follows
Språklagen's "vårdat, enkelt och begripligt": short sentences, everyday words, "du".
"""

from __future__ import annotations

from mognad_tui.i18n import Catalog

MESSAGES = Catalog(
    {
        "sv": {
            # page chrome
            "brand": "mognad",
            "languages": "Språk",
            "anonymity": (
                "Dina svar är anonyma: ingen, inte heller den som leder mötet, "
                "kan se vad just du svarat."
            ),
            "page_title": "Digital mognad",
            # mognad check: the page a phone opens to prove it reaches the laptop
            "check_title": "Telefonen når datorn",
            "check_ok": (
                "Det fungerar: den här telefonen når datorn. Telefonerna i rummet kan gå med "
                "i mötet. Du kan stänga sidan."
            ),
            # join
            "join_title": "Gå med i mötet",
            "join_help": "Skriv koden som visas på skärmen i rummet.",
            "join_label": "Kod",
            "join_button": "Gå med",
            "plain_http": (
                "Anslutningen är inte krypterad: den som är på samma wifi kan se vilka sidor "
                "och svar den här enheten skickar, men inte vem du är."
            ),
            "open_meeting": "Öppna mötet",
            "open_meeting_help": "Tryck på knappen för att öppna mötets sida.",
            # questions
            "progress": "Fråga {n} av {total}",
            "previous": "Föregående",
            "next": "Nästa",
            "done_link": "Klar",
            "submit": "Skicka svar",
            "submit_next": "Spara och gå vidare",
            "submit_last": "Spara och bli klar",
            "sending": "Skickar …",
            "saved": "Ditt svar är sparat. Du kan ändra det så länge frågan är öppen.",
            "saved_earlier": "Svaret på fråga {n} är sparat.",
            "changed": "Du har ändrat ditt svar. Skicka det för att spara ändringen.",
            "left_saved": "Ditt val på förra frågan är sparat.",
            "left_unsaved": "Förra frågan: {reason}",
            "offline": (
                "Vi fick ingen kontakt med servern. Ditt svar är inte sparat. "
                "Försök igen om en stund."
            ),
            "choose_all": "Välj alla som passar.",
            "choose_one": "Välj ett svar.",
            "optional": "Frivillig fråga",
            "text_limit": "Högst {max} tecken.",
            "text_no_names": "Skriv inga namn eller uppgifter om brukare eller klienter.",
            "text_counter": "{n} av {max} tecken",
            "dots_help": "Fördela dina {total} prickar på det som är viktigast för dig.",
            "dots_left": "{n} av {total} prickar kvar",
            "dots_more": "En prick till på: {label}",
            "dots_less": "En prick mindre på: {label}",
            "dots_count": "Prickar",
            "new_question": "En ny fråga visas.",
            "page_updated": "Sidan har uppdaterats.",
            # waiting, closed, done
            "wait_title": "Vänta på nästa fråga",
            "wait_body": "Sidan visar nästa fråga av sig själv när den öppnas.",
            "wait_nojs": "Ladda om sidan när nästa fråga visas på skärmen.",
            "reload": "Ladda om sidan",
            "now_talking": "Just nu pratar vi om:",
            "closed_title": "Frågan är stängd",
            "closed_body": "Det går inte att svara på den längre. Vänta på nästa fråga.",
            "done_title": "Tack! Du har svarat på alla frågor.",
            "done_partial": "Du har svarat på {n} av {total} frågor.",
            "done_body": "Du kan ändra dina svar så länge frågorna är öppna.",
            "first_unanswered": "Gå till första obesvarade frågan",
            "back_to_questions": "Gå tillbaka till frågorna",
            # results
            "results_title": "Resultat",
            "latest_result": "Senaste resultatet",
            "earlier_results": "Tidigare resultat ({n})",
            "too_few": "För få svar för att visa resultat.",
            "answers_one": "{n} svar",
            "answers_many": "{n} svar",
            "dots_spent": "{n} prickar",
            "median_mean": "Median {median} · medel {mean}",
            "dont_know_note": "”Vet ej / ej relevant” räknas, men inte i median och medel.",
            "all_alike": "Alla svarade likadant, så resultatet visar vad var och en svarade.",
            "disagrees": "Stor spridning: någon här kan lära de andra.",
            "no_texts": "Inga svar har visats ännu.",
            "dont_know": "Vet ej / ej relevant",
            "result_row": "{label}: {count}",
            # errors (codes of the participant API)
            "error_title": "Något gick fel",
            "back_to_start": "Till startsidan",
            "try_again": "Försök igen",
            "bad_request": "Vi kunde inte läsa det som skickades.",
            "no_device": (
                "Öppna mötets sida först, så att din telefon får en anonym nyckel. "
                "Svara sedan igen."
            ),
            "foreign_origin": "Svaret kom från en annan webbplats och togs inte emot.",
            "csrf": "Sidan hade blivit för gammal. Ladda om den och svara igen.",
            "not_json": "Skicka svaret som JSON (Content-Type: application/json).",
            "unknown_code": "Det finns inget möte med den koden. Kontrollera koden på skärmen.",
            "unknown_code_title": "Koden finns inte",
            "unknown_question": "Frågan finns inte.",
            "not_found": "Sidan finns inte.",
            "method_not_allowed": "Det går inte att göra så här på den här adressen.",
            "not_open": "Frågan är inte öppen just nu. Ditt svar är inte sparat.",
            "too_large": "Det som skickades är för stort.",
            "bad_value": "Svaret passar inte frågan.",
            "no_choice": "Välj ett svar först.",
            "too_long": "Texten är för lång.",
            "too_many_dots": "Du har delat ut fler prickar än du har.",
            "empty": "Skriv något först.",
            "rate_limited": "För många försök på kort tid. Vänta en minut och försök igen.",
            "rate_limited_title": "Vänta en stund",
            "typed_paused": (
                "Det går inte att skriva in koden just nu, eftersom någon har gissat fel "
                "för många gånger. Skanna QR-koden på skärmen i stället, eller försök "
                "igen om en stund."
            ),
            "too_many_devices": (
                "Väldigt många telefoner har gått med från ditt nätverk på kort tid. "
                "Vänta en liten stund och ladda om sidan."
            ),
            "foreign_host": (
                "Den här adressen hör inte till mötets server. Använd adressen eller "
                "QR-koden som visas på skärmen i rummet."
            ),
            "store_full": (
                "Svaret kunde inte sparas eftersom datorns disk är full. "
                "Säg till den som leder mötet."
            ),
            "store_error": "Svaret kunde inte sparas. Säg till den som leder mötet.",
        },
        "en": {
            "brand": "mognad",
            "languages": "Language",
            "anonymity": (
                "Your answers are anonymous: no one, not even the person leading the meeting, "
                "can see what you answered."
            ),
            "page_title": "Digital maturity",
            "check_title": "The phone reaches the computer",
            "check_ok": (
                "It works: this phone reaches the computer. The phones in the room can join "
                "the meeting. You can close this page."
            ),
            "join_title": "Join the meeting",
            "join_help": "Type the code shown on the screen in the room.",
            "join_label": "Code",
            "join_button": "Join",
            "plain_http": (
                "The connection is not encrypted: anyone on the same Wi-Fi can see which pages "
                "and answers this device sends, but not who you are."
            ),
            "open_meeting": "Open the meeting",
            "open_meeting_help": "Press the button to open the meeting's page.",
            "progress": "Question {n} of {total}",
            "previous": "Previous",
            "next": "Next",
            "done_link": "Done",
            "submit": "Send answer",
            "submit_next": "Save and continue",
            "submit_last": "Save and finish",
            "sending": "Sending …",
            "saved": "Your answer is saved. You can change it as long as the question is open.",
            "saved_earlier": "Your answer to question {n} is saved.",
            "changed": "You have changed your answer. Send it to save the change.",
            "left_saved": "Your choice on the previous question is saved.",
            "left_unsaved": "Previous question: {reason}",
            "offline": (
                "We could not reach the server. Your answer is not saved. Try again in a moment."
            ),
            "choose_all": "Choose all that apply.",
            "choose_one": "Choose one answer.",
            "optional": "Optional question",
            "text_limit": "At most {max} characters.",
            "text_no_names": "Do not write names or details about clients or service users.",
            "text_counter": "{n} of {max} characters",
            "dots_help": "Spread your {total} dots over what matters most to you.",
            "dots_left": "{n} of {total} dots left",
            "dots_more": "One more dot on: {label}",
            "dots_less": "One dot less on: {label}",
            "dots_count": "Dots",
            "new_question": "A new question is shown.",
            "page_updated": "The page has been updated.",
            "wait_title": "Wait for the next question",
            "wait_body": "This page shows the next question by itself when it opens.",
            "wait_nojs": "Reload the page when the next question appears on the screen.",
            "reload": "Reload the page",
            "now_talking": "We are now talking about:",
            "closed_title": "The question is closed",
            "closed_body": "You can no longer answer it. Wait for the next question.",
            "done_title": "Thank you! You have answered every question.",
            "done_partial": "You have answered {n} of {total} questions.",
            "done_body": "You can change your answers as long as the questions are open.",
            "first_unanswered": "Go to the first unanswered question",
            "back_to_questions": "Back to the questions",
            "results_title": "Results",
            "latest_result": "Latest result",
            "earlier_results": "Earlier results ({n})",
            "too_few": "Too few answers to show results.",
            "answers_one": "{n} answer",
            "answers_many": "{n} answers",
            "dots_spent": "{n} dots",
            "median_mean": "Median {median} · mean {mean}",
            "dont_know_note": (
                "“Don't know / not relevant” is counted, but not in the median and mean."
            ),
            "all_alike": (
                "Everyone gave the same answer, so the result shows what each person answered."
            ),
            "disagrees": "Wide spread: someone here can teach the others.",
            "no_texts": "No answers have been shown yet.",
            "dont_know": "Don't know / not relevant",
            "result_row": "{label}: {count}",
            "error_title": "Something went wrong",
            "back_to_start": "To the start page",
            "try_again": "Try again",
            "bad_request": "We could not read what was sent.",
            "no_device": (
                "Open the meeting's page first, so that your phone gets an anonymous key. "
                "Then answer again."
            ),
            "foreign_origin": "The answer came from another website and was not accepted.",
            "csrf": "The page was out of date. Reload it and answer again.",
            "not_json": "Send the answer as JSON (Content-Type: application/json).",
            "unknown_code": "There is no meeting with that code. Check the code on the screen.",
            "unknown_code_title": "There is no such code",
            "unknown_question": "There is no such question.",
            "not_found": "There is no such page.",
            "method_not_allowed": "That cannot be done at this address.",
            "not_open": "The question is not open right now. Your answer is not saved.",
            "too_large": "What was sent is too large.",
            "bad_value": "The answer does not fit the question.",
            "no_choice": "Choose an answer first.",
            "too_long": "The text is too long.",
            "too_many_dots": "You have given out more dots than you have.",
            "empty": "Write something first.",
            "rate_limited": "Too many tries in a short time. Wait a minute and try again.",
            "rate_limited_title": "Wait a moment",
            "typed_paused": (
                "The code cannot be typed in right now, because someone has guessed wrong "
                "too many times. Scan the QR code on the screen instead, or try again later."
            ),
            "too_many_devices": (
                "A great many phones have joined from your network in a short time. "
                "Wait a moment and reload the page."
            ),
            "foreign_host": (
                "This address does not belong to the meeting's server. Use the address or "
                "the QR code shown on the screen in the room."
            ),
            "store_full": (
                "The answer could not be saved because the computer's disk is full. "
                "Tell the person leading the meeting."
            ),
            "store_error": "The answer could not be saved. Tell the person leading the meeting.",
        },
    }
)

#: Error codes the participant API can answer with, and their HTTP status.
ERROR_STATUS: dict[str, int] = {
    "bad_request": 400,
    "foreign_host": 400,
    "no_device": 403,
    "foreign_origin": 403,
    "csrf": 403,
    "not_json": 403,
    "unknown_code": 404,
    "unknown_question": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_open": 409,
    "too_large": 413,
    "bad_value": 422,
    "no_choice": 422,
    "too_long": 422,
    "too_many_dots": 422,
    "empty": 422,
    "rate_limited": 429,
    "typed_paused": 429,
    "too_many_devices": 429,
    "store_full": 503,
    "store_error": 503,
}


def error_message(code: str, lang: str) -> str:
    """The sentence for an error code; unknown codes (a newer meeting) read as a bad request."""
    return MESSAGES(code if code in ERROR_STATUS else "bad_request", lang)
