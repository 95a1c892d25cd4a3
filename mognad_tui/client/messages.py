"""The terminal client's and the simulator's messages, Swedish first and English complete.

They live beside the client (not in a shared catalogue) so the client's texts change with its
code; ``tests/test_client*.py`` checks that both languages have every key.
"""

from __future__ import annotations

from mognad_tui.i18n import Catalog

MESSAGES = Catalog(
    {
        "sv": {
            # errors (ApiError.message)
            "bad_url": (
                "Adressen går inte att använda: {url}. "
                "Den ska se ut som http://192.168.1.20:8765/j/4821."
            ),
            "unreachable": (
                "Det går inte att nå mötet på {host}. "
                "Kontrollera adressen och att du är på samma nätverk som den som leder mötet."
            ),
            "timeout": "Mötet svarar inte. Försök igen om en liten stund.",
            "disconnected": "Anslutningen till mötet bröts. Försök igen.",
            "wrong_code": "Det finns inget möte med koden {code}. Kontrollera koden.",
            "unknown_question": "Frågan finns inte i mötet.",
            "not_open": "Frågan är stängd. Du kan inte svara på den nu.",
            "bad_value": "Svaret passar inte frågan. Försök igen.",
            "too_long": "Texten är för lång.",
            "too_many_dots": "Du har använt fler punkter än du har.",
            "empty": "Svaret är tomt.",
            "forbidden": "Mötet tog inte emot svaret. Gå med i mötet igen med adressen.",
            "too_large": "Svaret är för stort för att skicka.",
            "too_many_requests": "Många svarar just nu. Vänta en stund och försök igen.",
            "store_full": (
                "Svaret kunde inte sparas eftersom datorns disk är full. "
                "Säg till den som leder mötet."
            ),
            "store_error": "Svaret kunde inte sparas. Säg till den som leder mötet.",
            "server_error": "Något gick fel hos mötet (fel {status}). Försök igen.",
            "unexpected": "Mötet svarade på ett oväntat sätt (fel {status}).",
            "bad_response": "Mötet skickade ett svar som inte går att läsa.",
            "unexpected_error": "Något oväntat gick fel: {error}",
            # the terminal client
            "joining": "Ansluter till mötet ...",
            "joined": (
                "Du är med i mötet. Dina svar är anonyma: ingen, inte heller den som leder "
                "mötet, kan se vad just du svarat."
            ),
            "question_of": "Fråga {number} av {total}",
            "saved": "Ditt svar är sparat.",
            "waiting": "Väntar på nästa fråga ... (Ctrl-C avslutar)",
            "goodbye": "Hej då, och tack för dina svar.",
            "skip": "Hoppa över frågan",
            "skipped": "Du hoppade över frågan.",
            "text_limit": "högst {limit} tecken, tom rad hoppar över",
            "text_too_long": "Texten är för lång: {length} tecken, högst {limit}.",
            "dots_intro": "Du har {total} punkter att fördela.",
            "dots_prompt": "Punkter på ”{label}” (0–{left}, {left} kvar)",
            "dots_invalid": "Skriv ett heltal från 0 till {left}.",
            "dots_done": "Du har fördelat {spent} av {total} punkter.",
            "walk_done": "Du har svarat på {done} av {total} frågor.",
            "change_answers": "Vill du ändra något svar?",
            "kept": "Du behöll ditt svar.",
            "current_answer": "Ditt svar nu: {value}",
            "keep_answer": "Behåll mitt svar",
            "closed_meanwhile": "Frågan stängdes innan du hann svara.",
            "reconnecting": "Anslutningen bröts. Försöker igen ...",
            "reconnected": "Ansluten igen.",
            "choose_one": "Skriv numret på ditt val (tom rad hoppar över): ",
            "choose_many": ("Skriv numren på dina val, åtskilda med komma (tom rad hoppar över): "),
            "checkbox_hint": "(mellanslag markerar, Enter skickar)",
            "select_hint": "(välj med piltangenterna, Enter skickar)",
            "yes": "Ja",
            "no": "Nej",
            "invalid_choice": "Skriv ett nummer från 1 till {count}.",
            "yes_no": " (j/n): ",
            "yes_words": "j,ja,y,yes",
            "nothing_chosen": "inget valt",
            # the simulator
            "sim_starting": "Startar {participants} låtsastelefoner som går med via {url} ...",
            "sim_progress": (
                "anslutna {joined}/{participants} · svar {acked} · fel {errors} · "
                "p50 {p50} ms · p99 {p99} ms"
            ),
            "sim_summary_title": "Sammanfattning av övningen",
            "sim_joined": "Telefoner som gick med: {joined} av {participants}",
            "sim_acked": "Svar som mötet tog emot: {acked}",
            "sim_closed": "Svar som kom efter att frågan stängts: {closed}",
            "sim_errors": "Fel och omförsök: {errors}",
            "sim_status_429": "429 för snabbt, skickades igen",
            "sim_status_503": "503 disken full",
            "sim_errors_none": "Fel: inga",
            "sim_latency": "Svarstid: p50 {p50} ms, p99 {p99} ms",
            "sim_throughput": "Genomströmning: {rate} svar per sekund under {seconds} s",
            "sim_connection": "anslutningsfel",
            "sim_stopped": "Avbruten.",
            "sim_no_join": "Ingen låtsastelefon kom in i mötet.",
        },
        "en": {
            "bad_url": (
                "This address cannot be used: {url}. "
                "It should look like http://192.168.1.20:8765/j/4821."
            ),
            "unreachable": (
                "Cannot reach the meeting at {host}. "
                "Check the address and that you are on the same network as the facilitator."
            ),
            "timeout": "The meeting does not answer. Try again in a moment.",
            "disconnected": "The connection to the meeting was lost. Try again.",
            "wrong_code": "There is no meeting with the code {code}. Check the code.",
            "unknown_question": "The question is not part of the meeting.",
            "not_open": "The question is closed. You cannot answer it now.",
            "bad_value": "The answer does not fit the question. Try again.",
            "too_long": "The text is too long.",
            "too_many_dots": "You used more dots than you have.",
            "empty": "The answer is empty.",
            "forbidden": "The meeting did not accept the answer. Join again with the address.",
            "too_large": "The answer is too large to send.",
            "too_many_requests": (
                "Many people are answering right now. Wait a moment and try again."
            ),
            "store_full": (
                "The answer could not be saved because the computer's disk is full. "
                "Tell the facilitator."
            ),
            "store_error": "The answer could not be saved. Tell the facilitator.",
            "server_error": "Something went wrong at the meeting (error {status}). Try again.",
            "unexpected": "The meeting answered in an unexpected way (error {status}).",
            "bad_response": "The meeting sent a reply that cannot be read.",
            "unexpected_error": "Something unexpected went wrong: {error}",
            "joining": "Joining the meeting ...",
            "joined": (
                "You have joined the meeting. Your answers are anonymous: nobody, not even the "
                "facilitator, can see what you answered."
            ),
            "question_of": "Question {number} of {total}",
            "saved": "Your answer is saved.",
            "waiting": "Waiting for the next question ... (Ctrl-C quits)",
            "goodbye": "Goodbye, and thank you for your answers.",
            "skip": "Skip this question",
            "skipped": "You skipped the question.",
            "text_limit": "at most {limit} characters, an empty line skips",
            "text_too_long": "The text is too long: {length} characters, at most {limit}.",
            "dots_intro": "You have {total} dots to spend.",
            "dots_prompt": "Dots on “{label}” (0–{left}, {left} left)",
            "dots_invalid": "Type a whole number from 0 to {left}.",
            "dots_done": "You spent {spent} of {total} dots.",
            "walk_done": "You have answered {done} of {total} questions.",
            "change_answers": "Do you want to change any answer?",
            "kept": "You kept your answer.",
            "current_answer": "Your answer now: {value}",
            "keep_answer": "Keep my answer",
            "closed_meanwhile": "The question closed before you answered.",
            "reconnecting": "The connection was lost. Trying again ...",
            "reconnected": "Connected again.",
            "choose_one": "Type the number of your choice (an empty line skips): ",
            "choose_many": (
                "Type the numbers of your choices, separated by commas (an empty line skips): "
            ),
            "checkbox_hint": "(space selects, Enter sends)",
            "select_hint": "(choose with the arrow keys, Enter sends)",
            "yes": "Yes",
            "no": "No",
            "invalid_choice": "Type a number from 1 to {count}.",
            "yes_no": " (y/n): ",
            "yes_words": "y,yes,j,ja",
            "nothing_chosen": "nothing chosen",
            "sim_starting": "Starting {participants} simulated phones that join through {url} ...",
            "sim_progress": (
                "joined {joined}/{participants} · answers {acked} · errors {errors} · "
                "p50 {p50} ms · p99 {p99} ms"
            ),
            "sim_summary_title": "Summary of the rehearsal",
            "sim_joined": "Phones that joined: {joined} of {participants}",
            "sim_acked": "Answers the meeting acknowledged: {acked}",
            "sim_closed": "Answers that came after the question closed: {closed}",
            "sim_errors": "Errors and retries: {errors}",
            "sim_status_429": "429 too fast, sent again",
            "sim_status_503": "503 disk full",
            "sim_errors_none": "Errors: none",
            "sim_latency": "Response time: p50 {p50} ms, p99 {p99} ms",
            "sim_throughput": "Throughput: {rate} answers per second over {seconds} s",
            "sim_connection": "connection errors",
            "sim_stopped": "Stopped.",
            "sim_no_join": "No simulated phone got into the meeting.",
        },
    }
)
