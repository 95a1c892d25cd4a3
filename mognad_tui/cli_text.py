"""What the command line says, in Swedish and English."""

from __future__ import annotations

from mognad_tui.i18n import Catalog

T = Catalog(
    {
        "sv": {
            "description": (
                "mognad leder ett arbetsmöte med metoden Digital mognad: samtalsfrågor på\n"
                "storskärm, anonym omröstning från mobilen, resultat och en verksamhetsplan."
            ),
            "epilog": (
                "Exempel:\n"
                "  mognad demo                         prova ett helt möte med låtsastelefoner\n"
                '  mognad new --name "Enhet Nord"      skapa ett möte\n'
                "  mognad run enhet-nord               led mötet\n"
                "  mognad export enhet-nord -o plan.md --charts\n\n"
                "Skriv mognad KOMMANDO --help för mer om ett kommando.\n"
                "Miljövariabler: MOGNAD_DATA_DIR (mappen för möten), MOGNAD_LANG (sv eller en)."
            ),
            "commands_metavar": "KOMMANDO",
            "opt_data_dir": "mappen där mötena sparas (standard: ./sessions eller MOGNAD_DATA_DIR)",
            "opt_lang": "språk: sv (standard) eller en",
            "opt_version": "visa versionen och avsluta",
            "opt_host": "adressen som servern lyssnar på (standard: alla nätverk; "
            "adressen som telefonerna når visas på skärmen)",
            "opt_port": "porten som servern lyssnar på (standard: {port}; 0 väljer en ledig port)",
            "opt_allowed_host": (
                "ett värdnamn till som servern svarar på, till exempel ett namn i kommunens DNS "
                "(kan anges flera gånger; datorns egna adresser och localhost gäller alltid)"
            ),
            "opt_cert": "kommunens certifikat (PEM) för https; kräver --key",
            "opt_key": "certifikatets privata nyckel (PEM, utan lösenord); kräver --cert",
            "opt_name": 'gruppens namn, till exempel "Enhet Socialtjänst Nord"',
            "opt_set": "frågeset: ett namn (standard: digital-mognad) eller en fil",
            "opt_follow_up": "ett tidigare möte med samma grupp att jämföra med",
            "opt_minutes": "hur långt varje möte är i minuter: 45, 60 (standard), 90 eller 120; "
            "dagordningen tar med det som hinns",
            "opt_meetings": "antal möten: 2 (standard: steg 1 och enkäten, sedan steg 3 och 4) "
            "eller 1 (allt i ett möte)",
            "opt_threshold": "anonymitetsgräns: minst så många svar innan resultat visas "
            "(standard 3, minst 2)",
            "opt_demo_participants": "hur många låtsastelefoner som svarar (standard 9)",
            "opt_self_paced": "öppna hela enkäten så att var och en svarar i egen takt",
            "opt_participants": "hur många låtsastelefoner (standard 30)",
            "opt_pace": "tempo: 1 som riktiga deltagare, 0 så fort som möjligt (standard 1)",
            "opt_duration": "sluta efter så många sekunder",
            "opt_format": "format: md (standard), docx (Word), html, json, csv eller summary "
            "(sammanfattningen till förvaltningen); utan --format avgör filändelsen i -o "
            "(.docx, .html)",
            "opt_with_texts": "ta med godkända fritextsvar i sammanfattningen (summary)",
            "err_texts_summary_only": "--with-texts fungerar bara med --format summary.",
            "opt_report_format": "format: md (standard), html eller docx (Word); utan --format "
            "avgör filändelsen i -o",
            "opt_report_lang": "rapportens språk: sv (standard) eller en",
            "arg_inputs": "sammanfattningar (.json), mappar med sammanfattningar, eller möten "
            "(namn eller mapp)",
            "cmd_report": "sammanställ enheternas sammanfattningar för förvaltningen",
            "cmd_report_long": "Läser enheternas sammanfattningar (mognad export --format "
            "summary)\noch skriver förvaltningens rapport: begäranden, behov, områden, "
            "enheter\noch åtgärder. Enheterna står i bokstavsordning, aldrig rangordnade.",
            "report_skipped": "mognad: hoppar över {path}: {reason}",
            "report_note": "mognad: {path}: {reason}",
            "report_nothing": "Ingen av filerna gick att använda. Ingen rapport skrevs.",
            "why_not_json": "inte en läsbar JSON-fil ({reason})",
            "why_not_summary": "inte en sammanfattning från mognad (format saknas)",
            "why_version": "okänd version {version} av sammanfattningen (den här mognad läser "
            "version {known})",
            "why_damaged": "sammanfattningen är skadad ({reason})",
            "why_twice": "samma enhet ({unit}) två gånger i samma omgång ({round}); "
            "{other} används",
            "why_empty_folder": "mappen har inga sammanfattningar (.json)",
            "why_not_found": "finns inte, varken som fil, mapp eller möte",
            "why_other_set": "ett annat frågeset ({set}); bara de {shared} gemensamma områdena "
            "jämförs",
            "opt_output": "filen att skriva till (standard: skärmen)",
            "opt_report_charts": "lägg till ett diagram över enheter och områden: bredvid "
            "Markdown-filen som SVG (kräver -o), i html och Word i dokumentet",
            "opt_round": "omgångens namn, till exempel 2025/26. En omgång är annars "
            "frågeuppsättningen och mötets år; med --round hör varje enhets senaste "
            "sammanfattning till omgången och äldre sammanfattningar till tidigare omgångar "
            "(via länken till förra mötet, annars enhetens namn och frågeuppsättning)",
            "opt_charts": "skriv diagram (SVG) och en Word-mall för pandoc bredvid Markdown-filen; "
            "kräver -o",
            "arg_session": "mötets namn (från mognad list) eller sökväg till dess mapp",
            "arg_url": "länken för att gå med, till exempel http://192.168.1.20:8765/j/482193",
            "arg_files": "frågesetfiler (YAML) att kontrollera",
            "cmd_new": "skapa ett nytt möte",
            "cmd_new_long": "Skapar ett nytt möte. Utan flaggor frågar mognad efter det som "
            "saknas.",
            "cmd_list": "visa mötena",
            "cmd_list_long": "Visar mötena i datamappen: namn, grupp, datum, frågeset, antal "
            "svar och läge.",
            "cmd_run": "led ett möte i terminalen",
            "cmd_run_long": "Öppnar mötet på skärmen och startar sidan som deltagarna svarar på.\n"
            "Efter en omstart tar sidan samma adress igen, så mobilerna fortsätter utan att\n"
            "skanna. Visa automatiskt (u) väntar då tills lika många mobiler som förut är\n"
            "tillbaka, högst 2 minuter.",
            "cmd_demo": "prova ett helt möte med låtsastelefoner",
            "cmd_demo_long": "Skapar ett tillfälligt möte där låtsastelefoner svarar, så att du\n"
            "kan prova utan en grupp.",
            "cmd_serve": "starta bara deltagarsidan (utan skärmen)",
            "cmd_serve_long": "Startar deltagarsidan utan terminalskärmen och skriver länken på\n"
            "en egen rad. Stoppa med Ctrl-C.",
            "cmd_check": "pröva om telefonerna når datorn",
            "cmd_check_long": (
                "Visar datorns adresser och vilken QR-koden använder, prövar att porten svarar,\n"
                "säger om en VPN eller en brandvägg troligen är i vägen och ger en adress som\n"
                "en telefon i rummet kan öppna för att pröva.\n"
                "Stoppa med Ctrl-C eller --seconds.\n\n"
                "Slutkod: 0 inget hinder hittades (eller en telefon nådde datorn),\n"
                "1 något hindrar troligen telefonerna, 2 fel i kommandot."
            ),
            "cmd_answer": "svara från en terminal (utan mobil)",
            "cmd_answer_long": "Svara på mötets frågor från en terminal, för den som inte har "
            "en mobil.",
            "cmd_simulate": "låtsastelefoner som svarar, för att öva inför ett möte",
            "cmd_simulate_long": (
                "Låter låtsastelefoner svara via samma sida som riktiga telefoner,\n"
                "för att prova hur många deltagare mötet klarar."
            ),
            "cmd_export": "exportera ett möte (Markdown, JSON eller CSV)",
            "cmd_export_long": "Skriver mötets resultat, anteckningar och åtgärder. Går bra\n"
            "även mitt under ett möte.",
            "cmd_validate": "kontrollera frågesetfiler",
            "cmd_validate_long": "Kontrollerar frågesetfiler och visar varje fel med fil, rad "
            "och fråga.\nVarningar (påståenden som frågar om två saker, är för långa, eller ett "
            "set utan\növersättning) ändrar inte slutkoden. Tysta en varning i filen med ett skäl:"
            '\nallow: {joined-ideas: "en lista med exempel, en idé"}.',
            "unexpected": "mognad: något oväntat gick fel ({error}). Inget som redan var sparat "
            "har gått förlorat. Kör igen med MOGNAD_DEBUG=1 för detaljer.",
            "err_damaged": "mötet i {path} är skadat och kan inte öppnas ({reason}). Filerna "
            "har lämnats orörda.",
            "err_locked": "mötet i {path} är redan öppet i ett annat fönster. Stäng det först.",
            "err_full": "disken är full, så inget kunde sparas i {path}. Frigör utrymme och "
            "försök igen.",
            "err_exists": "det finns redan ett möte i {path}.",
            "err_path_long": (
                "sökvägen till mötets mapp är för lång för Windows: {path}. Välj en datamapp "
                "närmare diskens början med --data-dir, eller ett kortare namn."
            ),
            "err_not_found": "hittar inget möte som heter {name}. Skriv mognad list för att "
            "se mötena.",
            "err_port": "porten måste vara ett tal från 0 till 65535, inte {value}",
            "err_store": "kunde inte läsa eller spara mötet i {path} ({reason}).",
            "err_io": "kunde inte skriva {path} ({reason}).",
            "err_no_name": 'ge mötet ett namn med --name, till exempel --name "Enhet Nord".',
            "err_threshold": "anonymitetsgränsen måste vara minst {minimum}.",
            "err_charts_need_output": "--charts behöver en fil att skriva till: lägg till -o "
            "plan.md.",
            "err_charts_md_only": "--charts fungerar bara med --format md. Word och html har "
            "alltid diagrammen med.",
            "err_docx_needs_output": "Word-filen behöver ett filnamn: lägg till -o plan.docx.",
            "err_participants": "--participants måste vara minst 1.",
            "err_serve": "kunde inte starta deltagarsidan ({reason}).",
            "err_cert_pair": "--cert och --key hör ihop: ange båda eller ingen.",
            "err_cert_missing": "hittar ingen fil {path}.",
            "err_cert_unreadable": "kan inte läsa {path} ({reason}).",
            "err_cert_invalid": "{path} är inte ett certifikat eller en nyckel i PEM-format, "
            "eller så är nyckeln skyddad med lösenord.",
            "err_cert_mismatch": "nyckeln hör inte till certifikatet {path}.",
            "warn_follow_up": "mognad: jämförelsen med förra mötet hoppas över: {reason}",
            "follow_up_versions": "mognad: frågesetet har ändrats sedan förra mötet (version "
            "{old}, nu {new}). Bara frågor som finns med båda gångerna jämförs.",
            "follow_up_new": "Nya frågor sedan förra mätningen ({n}):",
            "follow_up_dropped": "Frågor som inte finns med längre ({n}):",
            "ask_title": "Vad heter gruppen?",
            "ask_set": "Vilket frågeset?",
            "ask_minutes": "Hur långt är varje möte?",
            "ask_minutes_choice": "{minutes} minuter",
            "ask_meetings": "Hur många möten?",
            "ask_meetings_2": "Två möten: steg 1 och enkäten, sedan steg 3 och 4",
            "ask_meetings_1": "Ett möte: allt på en gång",
            "err_minutes": "mötets längd måste vara 45, 60, 90 eller 120 minuter, inte {value}",
            "err_meetings": "antalet möten måste vara 1 eller 2, inte {value}",
            "ask_arrows": "(välj med piltangenterna och tryck Enter)",
            "new_next": "Mötet är skapat. Starta det med: {command}",
            "list_empty": "Det finns inga möten i {path} ännu. Skapa ett med mognad new.",
            "col_name": "Namn",
            "col_group": "Grupp",
            "col_date": "Datum",
            "col_set": "Frågeset",
            "col_answers": "Svar",
            "col_state": "Läge",
            "state_damaged": "skadat: {reason}",
            "state_running": "pågår nu",
            "state_started": "påbörjat",
            "state_new": "nytt",
            "state_closed": "stängt",
            "cmd_close": "stäng ett möte: behåll planen, radera enskilda svar och fritexter",
            "cmd_close_long": "Stänger mötet för gott. Siffrorna som planen visar, anteckningar,\n"
            "behov och åtgärder sparas. Alla enskilda svar och alla fritexter raderas, även\n"
            "godkända. Det går inte att ångra.",
            "opt_yes": "fråga inte först",
            "close_explain": "Mötet {title} ({name}) stängs för gott.\n"
            "Det här sparas: siffrorna som planen visar (under anonymitetsgränsen bara antalet "
            "svar), anteckningar, behov, åtgärder och snabbfrågor.\n"
            "Det här raderas: alla enskilda svar, inskrivna handuppräckningar och alla "
            "fritexter, även de som är godkända, "
            "och exporterna i mötets mapp ({exports}).\n"
            "Det går inte att ångra. Kopior och säkerhetskopior som redan finns kan mognad "
            "inte radera.",
            "close_ask": "Vill du stänga mötet och radera svaren?",
            "close_yes": "Ja, stäng och radera",
            "close_no": "Nej, avbryt",
            "close_cancelled": "Mötet är inte stängt. Inget har raderats.",
            "close_needs_yes": "mognad close frågar först, och här finns ingen terminal att "
            "fråga i. Lägg till --yes om du vill stänga mötet.",
            "closed_done": "Mötet {name} är stängt. Enskilda svar och fritexter är raderade. "
            "Planen får du med: mognad export {name}",
            "err_closed": "mötet {name} är stängt: svaren är raderade och mötet tar inte emot "
            "nya. Planen får du med: mognad export {name}",
            "valid": "{path}: inga fel",
            "valid_warned": "{path}: inga fel; varningar: {n}",
            "warning": "{where}: varning {code}: {message}",
            "silenced": "{where}: tystad: {code}, skäl: {reason}",
            "exported": "Skrev {path}",
            "warn_held": (
                "mognad: några resultat visas som de visades förut, eller inte alls, så att ingen"
                " kan räkna ut vad de senaste svarade (antal frågor: {count}). Pågår mötet i ett"
                " annat fönster visar exporten bara det som redan har visats där."
            ),
            "warn_raw_below_threshold": (
                "mognad: obs, filen har enskilda svar på frågor som färre än {threshold} har"
                " svarat på (antal frågor: {count}). De svaren kan gå att koppla till personer:"
                " dela dem inte."
            ),
            "port_moved": "Port {old} var upptagen, så deltagarsidan använde port {new}.",
            "demo_title": "Demo Enhet Exempel",
            "serve_running": "Deltagarsidan är igång. Stoppa med Ctrl-C.",
            "serve_stopped": "Deltagarsidan har stoppats.",
            "opt_seconds": "stoppa efter så många sekunder (standard: vänta tills Ctrl-C)",
            "check_addresses": "Datorns adresser:",
            "check_kind_wireless": "trådlöst nätverk",
            "check_kind_wired": "nätverkskabel",
            "check_kind_other": "nätverk",
            "check_kind_vpn": "VPN, telefonerna når den inte",
            "check_kind_virtual": "virtuellt nätverk (WSL, Docker, virtuell dator), "
            "telefonerna når den inte",
            "check_kind_link_local": "adress utan nätverk, telefonerna når den inte",
            "check_kind_loopback": "bara den här datorn",
            "check_chosen": "QR-koden och länken använder {address}.",
            "check_port_moved": "Port {old} är upptagen (pågår ett möte?), så kontrollen "
            "använder port {new}.",
            "check_reach_ok": "Port {port} svarar på {address} från den här datorn.",
            "check_reach_fail": "Port {port} svarar inte på {address}, inte ens från den här "
            "datorn.",
            "check_no_lan": (
                "Datorn har ingen adress i ett vanligt nätverk som telefonerna når. Anslut "
                "datorn till samma wifi som telefonerna, eller gör datorn till surfzon "
                "(i Windows: Mobil hotspot) och låt telefonerna ansluta till den."
            ),
            "check_unreachable": (
                "Något på datorn stoppar anslutningar till porten. Prova en annan port med "
                "--port, eller starta om datorns nätverk."
            ),
            "check_vpn": (
                "En VPN är påslagen ({detail}). Den kan hindra telefonerna att nå datorn: "
                "stäng av den under mötet om telefonerna inte kommer in."
            ),
            "check_firewall_windows": (
                "Windows Defender-brandväggen frågar första gången om Python får ta emot "
                "anslutningar. Välj Tillåt för privata nätverk. På en dator som IT sköter kan "
                "det kräva en administratör: be IT tillåta inkommande TCP-port {port} för "
                "Python, eller gör datorn till surfzon."
            ),
            "check_firewall_macos": (
                "macOS kan fråga om Python får ta emot inkommande anslutningar. Välj Tillåt."
            ),
            "check_guest": (
                "Gästnätverk skiljer ofta enheterna åt så att de inte når varandra. Kommer "
                "telefonen inte in fast inget annat hindrar, prova ett annat wifi eller gör "
                "datorn till surfzon."
            ),
            "check_open": "Öppna den här adressen på en telefon i samma wifi som rummets "
            "telefoner:",
            "check_waiting_seconds": "Väntar på en telefon (högst {seconds} s). Stoppa med Ctrl-C.",
            "check_waiting": "Väntar på en telefon. Stoppa med Ctrl-C.",
            "check_phone": "En telefon öppnade sidan: den når datorn (telefoner hittills: "
            "{count}).",
            "check_no_phone": "Ingen telefon öppnade sidan.",
            "check_summary_ok": "Inget hinder hittades.",
            "check_summary_problem": "Något hindrar troligen telefonerna, se ovan.",
            "err_check": "Kontrollen kunde inte starta: {reason}",
            "warn_synced": (
                "Varning: sessionsmappen {path} ligger i en mapp som synkas ({service}). "
                "Om tjänsten sparar varje version av filerna går det att se i vilken ordning "
                "svaren kom. Välj en mapp som inte synkas med --data-dir."
            ),
            "disk_order_full": (
                "Disken är full: svaren ligger kvar i den ordning de kom i sessionsmappen. "
                "Mognad försöker igen. Frigör utrymme."
            ),
            "disk_order_error": (
                "Det gick inte att blanda om de sparade svaren, så de ligger kvar i den "
                "ordning de kom. Mognad försöker igen."
            ),
            "disk_order_ok": "De sparade svaren är omblandade igen.",
            "start_pick": "Vilket möte vill du leda?",
            "start_new": "Skapa ett nytt möte",
            "start_no_terminal": (
                "mognad utan kommando frågar vilket möte du vill leda, och det behöver en "
                "terminal. Ange ett kommando, till exempel: mognad run MÖTE (mognad list visar "
                "mötena)."
            ),
        },
        "en": {
            "description": (
                "mognad runs a meeting with the Digital maturity method: discussion prompts on\n"
                "the shared screen, anonymous votes from phones, results and an operational plan."
            ),
            "epilog": (
                "Examples:\n"
                "  mognad demo                         try a whole meeting with simulated phones\n"
                '  mognad new --name "Unit North"      create a meeting\n'
                "  mognad run unit-north               run the meeting\n"
                "  mognad export unit-north -o plan.md --charts\n\n"
                "Type mognad COMMAND --help for more about a command.\n"
                "Environment: MOGNAD_DATA_DIR (the folder of meetings), MOGNAD_LANG (sv or en)."
            ),
            "commands_metavar": "COMMAND",
            "opt_data_dir": "the folder where meetings are kept (default: ./sessions or "
            "MOGNAD_DATA_DIR)",
            "opt_lang": "language: sv (default) or en",
            "opt_version": "show the version and exit",
            "opt_host": "the address the server listens on (default: all networks; the "
            "address phones reach is shown on screen)",
            "opt_port": "the port the server listens on (default: {port}; 0 picks a free port)",
            "opt_allowed_host": (
                "one more host name the server answers to, such as a name in the "
                "municipality's DNS (repeatable; the machine's own addresses and localhost "
                "always work)"
            ),
            "opt_cert": "the municipality's certificate (PEM) for https; needs --key",
            "opt_key": "the certificate's private key (PEM, without a password); needs --cert",
            "opt_name": 'the group\'s name, for example "Social Services Unit North"',
            "opt_set": "question set: a name (default: digital-mognad) or a file",
            "opt_follow_up": "an earlier meeting of the same group to compare with",
            "opt_minutes": "how long each meeting is in minutes: 45, 60 (default), 90 or 120; the "
            "agenda keeps what fits",
            "opt_meetings": "number of meetings: 2 (default: step 1 and the survey, then steps "
            "3 and 4) or 1 (everything in one meeting)",
            "opt_threshold": "anonymity threshold: at least this many answers before results "
            "show (default 3, at least 2)",
            "opt_demo_participants": "how many simulated phones answer (default 9)",
            "opt_self_paced": "open the whole survey so everyone answers at their own pace",
            "opt_participants": "how many simulated phones (default 30)",
            "opt_pace": "pace: 1 like real participants, 0 as fast as possible (default 1)",
            "opt_duration": "stop after this many seconds",
            "opt_format": "format: md (default), docx (Word), html, json, csv or summary "
            "(the summary for the förvaltning); without --format the suffix of -o decides "
            "(.docx, .html)",
            "opt_with_texts": "include approved free-text answers in the summary",
            "err_texts_summary_only": "--with-texts works only with --format summary.",
            "opt_report_format": "format: md (default), html or docx (Word); without --format "
            "the suffix of -o decides",
            "opt_report_lang": "the report's language: sv (default) or en",
            "arg_inputs": "summaries (.json), folders of summaries, or meetings (name or folder)",
            "cmd_report": "combine the units' summaries for the förvaltning",
            "cmd_report_long": "Reads the units' summaries (mognad export --format summary)\n"
            "and writes the förvaltning's report: requests, needs, areas, units\nand actions. "
            "Units appear in alphabetical order, never ranked.",
            "report_skipped": "mognad: skipping {path}: {reason}",
            "report_note": "mognad: {path}: {reason}",
            "report_nothing": "None of the files could be used. No report was written.",
            "why_not_json": "not a readable JSON file ({reason})",
            "why_not_summary": "not a summary from mognad (no format)",
            "why_version": "unknown version {version} of the summary (this mognad reads "
            "version {known})",
            "why_damaged": "the summary is damaged ({reason})",
            "why_twice": "the same unit ({unit}) twice in the same round ({round}); "
            "{other} is used",
            "why_empty_folder": "the folder has no summaries (.json)",
            "why_not_found": "does not exist, as a file, a folder or a meeting",
            "why_other_set": "another question set ({set}); only the {shared} shared areas "
            "are compared",
            "opt_output": "the file to write (default: the screen)",
            "opt_report_charts": "add a chart of units and areas: beside the Markdown file as "
            "SVG (needs -o), inside the document in html and Word",
            "opt_round": "the round's name, for example 2025/26. A round is otherwise the question "
            "set and the meeting's year; with --round each unit's latest summary belongs to this "
            "round and older summaries to earlier rounds (by the link to the last meeting, else "
            "the unit's name and question set)",
            "opt_charts": "write charts (SVG) and a Word template for pandoc beside the "
            "Markdown file; "
            "needs -o",
            "arg_session": "the meeting's name (from mognad list) or the path to its folder",
            "arg_url": "the link to join, for example http://192.168.1.20:8765/j/482193",
            "arg_files": "question set files (YAML) to check",
            "cmd_new": "create a new meeting",
            "cmd_new_long": "Creates a new meeting. Without flags mognad asks for what is missing.",
            "cmd_list": "show the meetings",
            "cmd_list_long": "Shows the meetings in the data folder: name, group, date,\n"
            "question set, answers and state.",
            "cmd_run": "run a meeting in the terminal",
            "cmd_run_long": "Opens the meeting on screen and starts the page participants "
            "answer on.\nAfter a restart the page takes the same address again, so phones carry\n"
            "on without scanning. Show automatically (u) then waits until as many phones as\n"
            "before are back, 2 minutes at most.",
            "cmd_demo": "try a whole meeting with simulated phones",
            "cmd_demo_long": "Creates a throwaway meeting where simulated phones answer, so you\n"
            "can try it without a group.",
            "cmd_serve": "start only the participants' page (no screen)",
            "cmd_serve_long": "Starts the participants' page without the terminal screen and\n"
            "prints the link on a line of its own. Stop with Ctrl-C.",
            "cmd_check": "test whether phones reach this computer",
            "cmd_check_long": (
                "Shows this computer's addresses and which one the QR code uses, tests that the\n"
                "port answers, says whether a VPN or a firewall is likely in the way, and gives\n"
                "an address a phone in the room can open to test.\n"
                "Stop with Ctrl-C or --seconds.\n\n"
                "Exit code: 0 nothing in the way found (or a phone reached the computer),\n"
                "1 something likely keeps phones out, 2 wrong usage."
            ),
            "cmd_answer": "answer from a terminal (no phone)",
            "cmd_answer_long": "Answer the meeting's questions from a terminal, for someone "
            "without a phone.",
            "cmd_simulate": "simulated phones answering, to rehearse before a meeting",
            "cmd_simulate_long": (
                "Lets simulated phones answer through the same page as real phones,\n"
                "to try how many participants the meeting handles."
            ),
            "cmd_export": "export a meeting (Markdown, JSON or CSV)",
            "cmd_export_long": "Writes the meeting's results, notes and actions. Works in\n"
            "the middle of a meeting too.",
            "cmd_validate": "check question set files",
            "cmd_validate_long": "Checks question set files and shows each error with its file,\n"
            "line and question.\nWarnings (statements that ask two things, are too long, or a "
            "set without\na translation) do not change the exit code. Silence a warning in the "
            'file with a reason:\nallow: {joined-ideas: "a list of examples, one idea"}.',
            "unexpected": "mognad: something unexpected went wrong ({error}). Nothing already "
            "saved was lost. Run again with MOGNAD_DEBUG=1 for details.",
            "err_damaged": "the meeting in {path} is damaged and cannot be opened ({reason}). "
            "Its files were left untouched.",
            "err_locked": "the meeting in {path} is already open in another window. Close it "
            "first.",
            "err_full": "the disk is full, so nothing could be saved in {path}. Free some space "
            "and try again.",
            "err_exists": "there is already a meeting in {path}.",
            "err_path_long": (
                "the path to the meeting's folder is too long for Windows: {path}. Choose a data "
                "folder nearer the top of the disk with --data-dir, or a shorter name."
            ),
            "err_not_found": "no meeting called {name}. Type mognad list to see the meetings.",
            "err_port": "the port must be a number from 0 to 65535, not {value}",
            "err_store": "could not read or save the meeting in {path} ({reason}).",
            "err_io": "could not write {path} ({reason}).",
            "err_no_name": 'give the meeting a name with --name, for example --name "Unit North".',
            "err_threshold": "the anonymity threshold must be at least {minimum}.",
            "err_charts_need_output": "--charts needs a file to write to: add -o plan.md.",
            "err_charts_md_only": "--charts works only with --format md. Word and html always "
            "have the charts.",
            "err_docx_needs_output": "The Word file needs a file name: add -o plan.docx.",
            "err_participants": "--participants must be at least 1.",
            "err_serve": "could not start the participants' page ({reason}).",
            "err_cert_pair": "--cert and --key go together: give both or neither.",
            "err_cert_missing": "there is no file {path}.",
            "err_cert_unreadable": "cannot read {path} ({reason}).",
            "err_cert_invalid": "{path} is not a PEM certificate or key, or the key is "
            "protected by a password.",
            "err_cert_mismatch": "the key does not belong to the certificate {path}.",
            "warn_follow_up": "mognad: the comparison with last time is left out: {reason}",
            "follow_up_versions": "mognad: the question set has changed since the last meeting "
            "(version {old}, now {new}). Only questions asked both times are compared.",
            "follow_up_new": "New questions since the last measurement ({n}):",
            "follow_up_dropped": "Questions no longer asked ({n}):",
            "ask_title": "What is the group called?",
            "ask_set": "Which question set?",
            "ask_minutes": "How long is each meeting?",
            "ask_minutes_choice": "{minutes} minutes",
            "ask_meetings": "How many meetings?",
            "ask_meetings_2": "Two meetings: step 1 and the survey, then steps 3 and 4",
            "ask_meetings_1": "One meeting: everything at once",
            "err_minutes": "a meeting must be 45, 60, 90 or 120 minutes long, not {value}",
            "err_meetings": "the number of meetings must be 1 or 2, not {value}",
            "ask_arrows": "(choose with the arrow keys and press Enter)",
            "new_next": "The meeting is created. Start it with: {command}",
            "list_empty": "There are no meetings in {path} yet. Create one with mognad new.",
            "col_name": "Name",
            "col_group": "Group",
            "col_date": "Date",
            "col_set": "Question set",
            "col_answers": "Answers",
            "col_state": "State",
            "state_damaged": "damaged: {reason}",
            "state_running": "running now",
            "state_started": "started",
            "state_new": "new",
            "state_closed": "closed",
            "cmd_close": "close a meeting: keep the plan, delete single answers and free texts",
            "cmd_close_long": "Closes the meeting for good. The figures the plan shows, notes,\n"
            "needs and actions are kept. Every single answer and every free text is deleted,\n"
            "approved ones too. This cannot be undone.",
            "opt_yes": "do not ask first",
            "close_explain": "The meeting {title} ({name}) will be closed for good.\n"
            "Kept: the figures the plan shows (below the anonymity threshold only the number "
            "of answers), notes, needs, actions and quick polls.\n"
            "Deleted: every single answer, every show of hands typed in and every free text, "
            "approved ones too, and the "
            "exports in the meeting's folder ({exports}).\n"
            "This cannot be undone. Copies and backups that already exist are out of "
            "mognad's reach.",
            "close_ask": "Close the meeting and delete the answers?",
            "close_yes": "Yes, close and delete",
            "close_no": "No, cancel",
            "close_cancelled": "The meeting is not closed. Nothing was deleted.",
            "close_needs_yes": "mognad close asks first, and there is no terminal to ask in. "
            "Add --yes to close the meeting.",
            "closed_done": "The meeting {name} is closed. Single answers and free texts are "
            "deleted. Get the plan with: mognad export {name}",
            "err_closed": "the meeting {name} is closed: its answers are deleted and it takes "
            "no new ones. Get the plan with: mognad export {name}",
            "valid": "{path}: no errors",
            "valid_warned": "{path}: no errors; warnings: {n}",
            "warning": "{where}: warning {code}: {message}",
            "silenced": "{where}: silenced: {code}, reason: {reason}",
            "exported": "Wrote {path}",
            "warn_held": (
                "mognad: some results are shown as they were shown before, or not at all, so"
                " nobody can work out what the latest people answered (questions: {count}). While"
                " the meeting runs in another window, the export shows only what was shown there."
            ),
            "warn_raw_below_threshold": (
                "mognad: note, the file lists single answers to questions that fewer than"
                " {threshold} answered (questions: {count}). Those answers may be traced to"
                " people: do not share them."
            ),
            "port_moved": "Port {old} was taken, so the participants' page used port {new}.",
            "demo_title": "Demo Example Unit",
            "serve_running": "The participants' page is running. Stop with Ctrl-C.",
            "serve_stopped": "The participants' page has stopped.",
            "opt_seconds": "stop after this many seconds (default: wait for Ctrl-C)",
            "check_addresses": "This computer's addresses:",
            "check_kind_wireless": "wireless network",
            "check_kind_wired": "network cable",
            "check_kind_other": "network",
            "check_kind_vpn": "VPN, phones do not reach it",
            "check_kind_virtual": "virtual network (WSL, Docker, a virtual machine), "
            "phones do not reach it",
            "check_kind_link_local": "address without a network, phones do not reach it",
            "check_kind_loopback": "this computer only",
            "check_chosen": "The QR code and the link use {address}.",
            "check_port_moved": "Port {old} is taken (is a meeting running?), so the check "
            "uses port {new}.",
            "check_reach_ok": "Port {port} answers on {address} from this computer.",
            "check_reach_fail": "Port {port} does not answer on {address}, not even from this "
            "computer.",
            "check_no_lan": (
                "This computer has no address on an ordinary network that phones reach. "
                "Connect it to the same Wi-Fi as the phones, or make it a hotspot "
                "(in Windows: Mobile hotspot) and let the phones join that."
            ),
            "check_unreachable": (
                "Something on this computer stops connections to the port. Try another port "
                "with --port, or restart the computer's network."
            ),
            "check_vpn": (
                "A VPN is on ({detail}). It can keep phones from reaching this computer: turn "
                "it off during the meeting if the phones cannot get in."
            ),
            "check_firewall_windows": (
                "Windows Defender Firewall asks the first time whether Python may accept "
                "connections. Choose Allow for private networks. On a laptop managed by IT "
                "that may need an administrator: ask IT to allow incoming TCP port {port} for "
                "Python, or make the laptop a hotspot."
            ),
            "check_firewall_macos": (
                "macOS may ask whether Python may accept incoming connections. Choose Allow."
            ),
            "check_guest": (
                "Guest networks often keep devices apart so that they cannot reach each other. "
                "If the phone cannot get in although nothing else is in the way, try another "
                "Wi-Fi or make the laptop a hotspot."
            ),
            "check_open": "Open this address on a phone on the same Wi-Fi as the room's phones:",
            "check_waiting_seconds": "Waiting for a phone (at most {seconds} s). Stop with Ctrl-C.",
            "check_waiting": "Waiting for a phone. Stop with Ctrl-C.",
            "check_phone": "A phone opened the page: it reaches this computer (phones so far: "
            "{count}).",
            "check_no_phone": "No phone opened the page.",
            "check_summary_ok": "Nothing in the way found.",
            "check_summary_problem": "Something likely keeps the phones out, see above.",
            "err_check": "The check could not start: {reason}",
            "warn_synced": (
                "Warning: the session folder {path} is in a synced folder ({service}). "
                "If the service keeps every version of the files, the order the answers "
                "arrived in can be seen. Choose a folder that is not synced with --data-dir."
            ),
            "disk_order_full": (
                "The disk is full: the answers stay in the order they arrived in the session "
                "folder. Mognad keeps trying. Free some space."
            ),
            "disk_order_error": (
                "The saved answers could not be shuffled, so they stay in the order they "
                "arrived. Mognad keeps trying."
            ),
            "disk_order_ok": "The saved answers are shuffled again.",
            "start_pick": "Which meeting do you want to run?",
            "start_new": "Create a new meeting",
            "start_no_terminal": (
                "mognad without a command asks which meeting to run, and that needs a "
                "terminal. Give a command, for example: mognad run MEETING (mognad list shows "
                "the meetings)."
            ),
        },
    }
)

#: argparse's own strings (Python 3.11-3.13), looked up through ``argparse._``.
ARGPARSE_SV = {
    "usage: ": "användning: ",
    "options": "flaggor",
    "optional arguments": "flaggor",
    "positional arguments": "argument",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa versionen och avsluta",
    "the following arguments are required: %s": "det här saknas: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj "
    "bland %(choices)s)",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "expected one argument": "ett värde behövs",
    "ambiguous option: %(option)s could match %(matches)s": "flaggan %(option)s kan betyda "
    "%(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
}
