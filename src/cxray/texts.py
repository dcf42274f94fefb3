"""Every text shown to users, in English and Russian. The one place to translate cxray.

``t(key, **params)`` formats the text in the current language: ``--lang`` on the command line,
else the ``CXRAY_LANG`` environment variable, else English.
"""

from __future__ import annotations

import math
import os
import string

LANGS = ("en", "ru")
_current: str | None = None

TEXTS: dict[str, dict[str, str]] = {
    # --- errors: files -------------------------------------------------------------------
    "file_not_found": {
        "en": "{file}: no such file",
        "ru": "{file}: файл не найден",
    },
    "file_empty": {
        "en": "{file}: the file is empty (no header row)",
        "ru": "{file}: файл пуст (нет строки заголовка)",
    },
    "file_not_table": {
        "en": "{file}: not a table (expected CSV/TSV text, XLSX or Parquet)",
        "ru": "{file}: это не таблица (ожидается CSV/TSV, XLSX или Parquet)",
    },
    "file_bad_encoding": {
        "en": "{file}, row {row}: cannot decode byte {byte} as {encoding}; "
        "try --encoding cp1251 or --encoding utf-8",
        "ru": "{file}, строка {row}: байт {byte} не читается в кодировке {encoding}; "
        "попробуйте --encoding cp1251 или --encoding utf-8",
    },
    "file_bad_csv": {
        "en": "{file}, row {row}: broken CSV ({detail})",
        "ru": "{file}, строка {row}: повреждённый CSV ({detail})",
    },
    "file_mixed_encoding": {
        "en": "{file}, row {row}, column '{column}': text in UTF-8 in a file read as {encoding} "
        "(it would be stored garbled); save the whole file in one encoding",
        "ru": "{file}, строка {row}, колонка '{column}': текст в UTF-8 в файле, прочитанном как "
        "{encoding} (он был бы сохранён искажённым); сохраните весь файл в одной кодировке",
    },
    "unknown_encoding": {
        "en": "unknown encoding '{encoding}'; known: {known}",
        "ru": "неизвестная кодировка '{encoding}'; известны: {known}",
    },
    "bad_separator": {
        "en": "separator must be one character (or tab), got '{sep}'",
        "ru": "разделитель должен быть одним символом (или tab), получено '{sep}'",
    },
    "bad_map": {
        "en": "--map '{item}' must look like 'file column=canonical column'",
        "ru": "--map '{item}' должен иметь вид 'колонка файла=колонка cxray'",
    },
    "map_source_missing": {
        "en": "{file}: --map names column '{column}' that the file does not have; "
        "the file has: {found}",
        "ru": "{file}: в --map указана колонка '{column}', которой нет в файле; "
        "в файле есть: {found}",
    },
    "map_target_unknown": {
        "en": "table {table} has no column '{column}'; its columns: {known}",
        "ru": "в таблице {table} нет колонки '{column}'; её колонки: {known}",
    },
    "duplicate_column": {
        "en": "{file}: columns '{first}' and '{second}' both map to {column}",
        "ru": "{file}: колонки '{first}' и '{second}' обе соответствуют {column}",
    },
    "missing_columns": {
        "en": "{file}: missing required column(s) {columns} for table {table}; "
        'the file has: {found} (name them with --map "file column=canonical column")',
        "ru": "{file}: нет обязательных колонок {columns} для таблицы {table}; "
        'в файле есть: {found} (укажите их через --map "колонка файла=колонка cxray")',
    },
    "unknown_table": {
        "en": "unknown table '{table}'; tables: {known}",
        "ru": "неизвестная таблица '{table}'; таблицы: {known}",
    },
    "ambiguous_dates": {
        "en": "{file}: column '{column}' has dates like '{value}' that read as m/d/yyyy and as "
        'd/m/yyyy; say which with --date-format "%m/%d/%Y" or --date-format "%d/%m/%Y"',
        "ru": "{file}: в колонке '{column}' даты вида '{value}' читаются и как м/д/гггг, и как "
        'д/м/гггг; укажите порядок через --date-format "%m/%d/%Y" или --date-format "%d/%m/%Y"',
    },
    "mixed_dates": {
        "en": "{file}: column '{column}' mixes m/d/yyyy ('{first}') and d/m/yyyy ('{second}') "
        "dates; say which with --date-format",
        "ru": "{file}: в колонке '{column}' смешаны даты м/д/гггг ('{first}') и д/м/гггг "
        "('{second}'); укажите формат через --date-format",
    },
    "bad_date_format": {
        "en": "--date-format '{format}' is not a date format ({detail}); "
        'use strftime codes, e.g. "%m/%d/%Y %H:%M"',
        "ru": "--date-format '{format}' не формат даты ({detail}); "
        'используйте коды strftime, например "%m/%d/%Y %H:%M"',
    },
    "bad_identical_lines": {
        "en": "--identical-lines '{value}' must be one of: {known}",
        "ru": "--identical-lines '{value}' должен быть одним из: {known}",
    },
    "all_rows_rejected": {
        "en": "{file}: all {rows} rows rejected, first at row {row}: {reason}; "
        "nothing imported, rejects written to {path}",
        "ru": "{file}: отклонены все {rows} строк, первая в строке {row}: {reason}; "
        "ничего не импортировано, отклонённые строки записаны в {path}",
    },
    # --- row problems (reasons kept with rejected rows) ------------------------------------
    "malformed_line": {
        "en": "more fields than the header has",
        "ru": "полей больше, чем в заголовке",
    },
    "unbalanced_quote": {
        "en": "{column}: a quote opened in this row ({value}) is not closed on it; "
        "the next lines are read as rows of their own",
        "ru": "{column}: кавычка, открытая в этой строке ({value}), в ней не закрыта; "
        "следующие строки прочитаны как отдельные строки",
    },
    "missing_value": {
        "en": "{column}: value is required",
        "ru": "{column}: значение обязательно",
    },
    "bad_number": {
        "en": "{column}: '{value}' is not a number",
        "ru": "{column}: '{value}' не число",
    },
    "bad_integer": {
        "en": "{column}: '{value}' is not a whole number",
        "ru": "{column}: '{value}' не целое число",
    },
    "bad_date": {
        "en": "{column}: '{value}' is not a date (yyyy-mm-dd, dd.mm.yyyy, dd.mm.yy, m/d/yyyy or "
        "d/m/yyyy; another format: --date-format)",
        "ru": "{column}: '{value}' не дата (гггг-мм-дд, дд.мм.гггг, дд.мм.гг, м/д/гггг или "
        "д/м/гггг; другой формат: --date-format)",
    },
    "bad_timestamp": {
        "en": "{column}: '{value}' is not a date and time (another format: --date-format)",
        "ru": "{column}: '{value}' не дата и время (другой формат: --date-format)",
    },
    "bad_boolean": {
        "en": "{column}: '{value}' is not yes/no",
        "ru": "{column}: '{value}' не да/нет",
    },
    "bad_choice": {
        "en": "{column}: '{value}' is not one of the allowed values",
        "ru": "{column}: '{value}' не из допустимых значений",
    },
    "duplicate_row": {
        "en": "same as row {value}",
        "ru": "повторяет строку {value}",
    },
    "duplicate_key": {
        "en": "same key as row {value}",
        "ru": "тот же ключ, что в строке {value}",
    },
    "amount_underivable": {
        "en": "{column} is empty, so amount (quantity x price) cannot be computed",
        "ru": "{column} не заполнено, поэтому сумму (количество x цена) не вычислить",
    },
    "date_not_in_format": {
        "en": "{column}: '{value}' does not match --date-format",
        "ru": "{column}: '{value}' не соответствует --date-format",
    },
    "why_amount_underivable": {
        "en": "{column} is empty, so amount (quantity x price) cannot be computed",
        "ru": "{column} не заполнено, поэтому сумму (количество x цена) не вычислить",
    },
    "why_date_not_in_format": {
        "en": "{column} does not match --date-format",
        "ru": "{column} не соответствует --date-format",
    },
    # --- import summary -------------------------------------------------------------------
    "import_progress": {"en": "Importing {file}", "ru": "Импорт {file}"},
    "import_step_decoding": {
        "en": "converting from Windows-1251",
        "ru": "перекодирование из Windows-1251",
    },
    "import_step_reading": {"en": "reading", "ru": "чтение"},
    "import_step_checking": {"en": "checking cells", "ru": "проверка ячеек"},
    "import_step_repeats": {"en": "looking for repeated rows", "ru": "поиск повторов"},
    "import_step_writing": {"en": "writing", "ru": "запись"},
    "import_done": {
        "en": "{table}: {read} rows read from {file}: {new} new, {updated} updated, "
        "{unchanged} unchanged, {rejected} rejected",
        "ru": "{table}: из {file} прочитано строк {read}: новых {new}, обновлено {updated}, "
        "без изменений {unchanged}, отклонено {rejected}",
    },
    "import_rejects_at": {
        "en": "rejected rows with their reasons: {path}",
        "ru": "отклонённые строки с причинами: {path}",
    },
    "import_derived_amounts": {
        "en": "amount computed as quantity x price (rounded to 0.01) for {n:,} rows",
        "ru": "сумма вычислена как количество x цена (с округлением до 0,01) для строк: {n:,}",
    },
    "import_identical_lines": {
        "en": "{n:,} identical lines of one order kept as separate lines (amount {amount:,.2f}); "
        "--identical-lines reject rejects them",
        "ru": "одинаковых строк одного заказа сохранено как отдельные строки: {n:,} "
        "(сумма {amount:,.2f}); --identical-lines reject отклоняет их",
    },
    "import_ignored": {
        "en": "columns not used: {columns}",
        "ru": "неиспользованные колонки: {columns}",
    },
    "reject_line": {"en": "row {row}: {reason}", "ru": "строка {row}: {reason}"},
    "import_related": {
        "en": "{table}: {new} new, {updated} updated, {unchanged} unchanged (from the file's "
        "related columns)",
        "ru": "{table}: новых {new}, обновлено {updated}, без изменений {unchanged} (из связанных "
        "колонок файла)",
    },
    "more_rejects": {"en": "... and {n} more", "ru": "... и ещё {n}"},
    # the rejects of an import grouped by reason: one line per reason, then examples
    "rejects_group": {
        "en": "{rows:,} {unit} ({share}, {amount_share} of amount): {reason}",
        "ru": "{rows:,} {unit} ({share}, {amount_share} суммы): {reason}",
    },
    "rejects_group_rows": {
        "en": "{rows:,} {unit} ({share}): {reason}",
        "ru": "{rows:,} {unit} ({share}): {reason}",
    },
    "rows_unit": {"en": "rows", "ru": "стр."},
    "rows_per_second": {"en": "{rate:,.0f} rows/s", "ru": "{rate:,.0f} стр./с"},
    "rows_unit_one": {"en": "row", "ru": "стр."},
    "why_missing_value": {"en": "{column} is empty", "ru": "{column} не заполнено"},
    "why_bad_number": {"en": "{column} is not a number", "ru": "{column} не число"},
    "why_bad_integer": {"en": "{column} is not a whole number", "ru": "{column} не целое число"},
    "why_bad_date": {"en": "{column} is not a date", "ru": "{column} не дата"},
    "why_bad_timestamp": {
        "en": "{column} is not a date and time",
        "ru": "{column} не дата и время",
    },
    "why_bad_boolean": {"en": "{column} is not yes/no", "ru": "{column} не да/нет"},
    "why_bad_choice": {
        "en": "{column} is not one of the allowed values",
        "ru": "{column} не из допустимых значений",
    },
    "why_duplicate_row": {
        "en": "the same as an earlier row",
        "ru": "повторяют более раннюю строку",
    },
    "why_duplicate_key": {
        "en": "the same key as an earlier row",
        "ru": "тот же ключ, что в более ранней строке",
    },
    # --- workspace ------------------------------------------------------------------------
    "backend_failed": {
        "en": "cannot open backend {url}: {detail}",
        "ru": "не удаётся открыть хранилище {url}: {detail}",
    },
    "workspace_busy": {
        "en": "the workspace {path} is busy: {who}; try again later, or wait for it with "
        "--wait SECONDS",
        "ru": "рабочая область {path} занята: {who}; повторите позже или подождите с "
        "--wait СЕКУНДЫ",
    },
    "busy_writer": {
        "en": "`{command}` started at {since} by PID {pid} is writing to it",
        "ru": "в неё пишет команда `{command}`, запущенная в {since} процессом PID {pid}",
    },
    "busy_pid": {
        "en": "another program (PID {pid}) holds its database",
        "ru": "её базу держит другая программа (PID {pid})",
    },
    "busy_unknown": {
        "en": "another program holds its database",
        "ru": "её базу держит другая программа",
    },
    "workspace_open_twice": {
        "en": "the workspace {path} is already open in this process in another mode (read-only "
        "or writable): close that session first",
        "ru": "рабочая область {path} уже открыта в этом процессе в другом режиме (только чтение "
        "или запись): сначала закройте тот сеанс",
    },
    "sql_not_read_only": {
        "en": "only one read-only query (SELECT or WITH ...) is allowed",
        "ru": "разрешён только один запрос на чтение (SELECT или WITH ...)",
    },
    "sql_failed": {"en": "query failed: {detail}", "ru": "ошибка запроса: {detail}"},
    "sql_not_allowed": {
        "en": "a query reads the workspace's tables only: {what} is not allowed",
        "ru": "запрос читает только таблицы рабочей области: {what} не разрешено",
    },
    "sql_timeout": {
        "en": "the query was stopped after {seconds} s",
        "ru": "запрос остановлен через {seconds} с",
    },
    "sql_truncated": {
        "en": "only the first {rows:,} rows are shown; add LIMIT, filters or aggregates",
        "ru": "показаны только первые {rows:,} строк; добавьте LIMIT, фильтры или агрегаты",
    },
    "no_workspace": {
        "en": "no workspace at {path}: run `cxray init`, import files or run `cxray demo` first",
        "ru": "нет рабочей области {path}: сначала выполните `cxray init`, импортируйте файлы "
        "или запустите `cxray demo`",
    },
    "demo_over_real": {
        "en": "{path} holds imported data: the demo would replace it; "
        "use another folder, e.g. --workspace demo-ws",
        "ru": "в {path} импортированные данные: демо заменило бы их; "
        "используйте другую папку, например --workspace demo-ws",
    },
    "related_not_keyed": {
        "en": "--map {item}: table {related} is keyed by {by}, which table {table} does not "
        "have, so its rows cannot be filled from this file",
        "ru": "--map {item}: ключ таблицы {related} ({by}) отсутствует в таблице {table}, "
        "поэтому её строки нельзя заполнить из этого файла",
    },
    "related_map_key": {
        "en": "--map {item}: the key {by} of {related} comes from the file's own {by} column; "
        "map that column to {by} instead",
        "ru": "--map {item}: ключ {by} таблицы {related} берётся из колонки {by} самого файла; "
        "сопоставьте ту колонку с {by}",
    },
    "related_key_missing": {
        "en": "{file}: --map {item} fills {related} by {by}, and the file has no {by} column "
        '(name it with --map "file column={by}")',
        "ru": "{file}: --map {item} заполняет {related} по ключу {by}, а в файле нет колонки "
        '{by} (укажите её через --map "колонка файла={by}")',
    },
    "import_into_demo": {
        "en": "{path} holds the demo company, and your data must not mix with it: start a real "
        "workspace with `cxray init DIR`, then import into it with `cxray --workspace DIR "
        "import ...` (or `cxray import ... --workspace DIR`)",
        "ru": "в {path} лежит демо-компания, и ваши данные не должны смешиваться с ней: создайте "
        "рабочую область командой `cxray init DIR` и импортируйте в неё: `cxray --workspace DIR "
        "import ...` (или `cxray import ... --workspace DIR`)",
    },
    "workspace_exists": {
        "en": "a workspace already exists at {path}: nothing changed",
        "ru": "рабочая область {path} уже существует: ничего не изменено",
    },
    "init_done": {
        "en": "Empty workspace created at {path}: import your files with "
        "`cxray --workspace {path} import TABLE FILE`",
        "ru": "Создана пустая рабочая область {path}: импортируйте файлы командой "
        "`cxray --workspace {path} import TABLE FILE`",
    },
    "bad_parameter": {"en": "{detail}", "ru": "{detail}"},
    "read_only_session": {
        "en": "the workspace is open read-only: open it with read_only=False to change it",
        "ru": "рабочая область открыта только для чтения: откройте её с read_only=False, "
        "чтобы изменить",
    },
    "alerts_without_clv": {
        "en": "Too little purchase history to fit the CLV models: P(alive) alerts are left out.",
        "ru": "Слишком короткая история покупок для моделей CLV: оповещения по P(alive) "
        "не рассчитаны.",
    },
    # --- workspace settings (cxray.workspace.SETTINGS) ------------------------------------
    "setting_unknown": {
        "en": "unknown setting '{setting}'; known settings: {known}",
        "ru": "неизвестная настройка '{setting}'; известные настройки: {known}",
    },
    "setting_bad_value": {
        "en": "{setting}: '{value}' is not a valid value; expected {expect}",
        "ru": "{setting}: '{value}' — недопустимое значение; ожидается {expect}",
    },
    "setting_expect_currency": {
        "en": "a currency code or symbol of 1 to 12 characters without spaces, e.g. EUR or ₽",
        "ru": "код или символ валюты из 1-12 знаков без пробелов, например RUB или ₽",
    },
    "setting_expect_share": {
        "en": "a share from 0 to 0.5, e.g. 0.05 for 5% of the customers",
        "ru": "доля от 0 до 0.5, например 0.05 для 5% клиентов",
    },
    "setting_expect_synonyms": {
        "en": "spelling=channel pairs separated by ';', e.g. 'мыло=email; смска=sms; WA=whatsapp'"
        " (neither side empty, one channel per spelling)",
        "ru": "пары написание=канал через ';', например 'мыло=email; смска=sms; WA=whatsapp'"
        " (обе части непустые, у написания один канал)",
    },
    "setting_expect_memory": {
        "en": "a memory size of at least 64MB with its unit (KB, MB, GB, TB or KiB, MiB, GiB,"
        " TiB), e.g. 2GB or 512MB",
        "ru": "объём памяти не меньше 64MB с единицей (KB, MB, GB, TB или KiB, MiB, GiB, TiB),"
        " например 2GB или 512MB",
    },
    "setting_expect_phrases": {
        "en": "phrases separated by ';', each with a letter, e.g. 'всё для вас; no hidden fees'",
        "ru": "фразы через ';', в каждой есть буква, например 'всё для вас; no hidden fees'",
    },
    "setting_expect_origins": {
        "en": "web origins separated by commas, each http(s)://host[:port], e.g."
        " 'https://shop.example, http://127.0.0.1:9000'",
        "ru": "веб-источники через запятую, каждый http(s)://хост[:порт], например"
        " 'https://shop.example, http://127.0.0.1:9000'",
    },
    "setting_expect_consent": {
        "en": "'required' (nothing is captured before the visitor consents) or 'implied'",
        "ru": "'required' (ничего не собирается до согласия посетителя) или 'implied'",
    },
    "setting_expect_dnt": {
        "en": "'respect' (Do Not Track turns capture off) or 'ignore'",
        "ru": "'respect' (Do Not Track отключает сбор) или 'ignore'",
    },
    "setting_expect_funnel": {
        "en": "2 to 10 action names separated by commas, in the funnel's order, e.g."
        " 'product view, add to cart, order'",
        "ru": "от 2 до 10 названий действий через запятую, в порядке воронки, например"
        " 'просмотр товара, в корзину, заказ'",
    },
    "setting_expect_rate": {
        "en": "a whole number of events per minute from 1 to 10000000, e.g. 600",
        "ru": "целое число событий в минуту от 1 до 10000000, например 600",
    },
    "setting_expect_line_pages": {
        "en": "line=URL patterns pairs separated by ';', the patterns by commas, e.g."
        " 'Cheese=/catalog/cheese*; Wine=/catalog/wine*, /promo/wine*' (each line named once,"
        " no spaces in a pattern)",
        "ru": "пары линия=шаблоны адресов через ';', шаблоны через запятую, например"
        " 'Сыры=/catalog/cheese*; Вино=/catalog/wine*, /promo/wine*' (каждая линия один раз,"
        " без пробелов в шаблоне)",
    },
    # the web events collector (POST /e)
    "bad_batch": {
        "en": "the batch is refused at {where}: expected {problem}",
        "ru": "пакет отклонён, поле {where}: ожидается {problem}",
    },
    "batch_expect_json": {
        "en": "a JSON object in UTF-8",
        "ru": "объект JSON в UTF-8",
    },
    "batch_expect_version": {
        "en": "the format version {version}",
        "ru": "версия формата {version}",
    },
    "batch_expect_id": {
        "en": "an id of 1 to 64 characters A-Z, a-z, 0-9, _ or -",
        "ru": "идентификатор из 1-64 знаков A-Z, a-z, 0-9, _ или -",
    },
    "batch_expect_events": {
        "en": "a list of at most {most} events",
        "ru": "список не более чем из {most} событий",
    },
    "batch_expect_event": {
        "en": "an event as a JSON object",
        "ru": "событие в виде объекта JSON",
    },
    "batch_expect_ts": {
        "en": "a whole number of milliseconds since 1970-01-01 UTC",
        "ru": "целое число миллисекунд с 1970-01-01 UTC",
    },
    "batch_expect_type": {
        "en": "one of {types}",
        "ru": "одно из значений {types}",
    },
    "batch_expect_text": {
        "en": "a string or null",
        "ru": "строка или null",
    },
    "batch_expect_url": {
        "en": "the page's URL, a non-empty string",
        "ru": "URL страницы, непустая строка",
    },
    "batch_expect_fields": {
        "en": "a list of field names or null",
        "ru": "список имён полей или null",
    },
    "batch_expect_number": {
        "en": "a whole number from 0 to {max} or null",
        "ru": "целое число от 0 до {max} или null",
    },
    "batch_expect_customer": {
        "en": "the customer_id an identify event names",
        "ru": "customer_id, который называет событие identify",
    },
    "batch_too_large": {
        "en": "the batch is larger than {most} bytes",
        "ru": "пакет больше {most} байт",
    },
    "origin_not_allowed": {
        "en": "the origin '{origin}' is not among the workspace's web_origins",
        "ru": "источника '{origin}' нет в настройке web_origins рабочей области",
    },
    "origins_unset": {
        "en": "the collector accepts no events: the workspace setting web_origins names no site"
        " (cxray settings set web_origins https://shop.example)",
        "ru": "сборщик не принимает событий: настройка web_origins не называет ни одного сайта"
        " (cxray settings set web_origins https://shop.example)",
    },
    "rate_limited": {
        "en": "too many events; try again in {seconds} s",
        "ru": "слишком много событий; повторите через {seconds} с",
    },
    "collector_unavailable": {
        "en": "the events could not be kept now; try again later",
        "ru": "события сейчас не удалось сохранить; повторите позже",
    },
    # the offer lint (cxray offer lint, campaign check, the campaign editor)
    "offer_clean": {
        "en": "The offer names a number with its unit, a deadline, a benefit and every part of"
        " the value proposition, and uses no stop phrase.",
        "ru": "В предложении есть число с единицей, срок, выгода и все части ценностного"
        " предложения, штампов нет.",
    },
    "offer_stop_phrase": {
        "en": "stop phrase “{phrase}”: “{found}” says what every competitor says",
        "ru": "штамп «{phrase}»: «{found}» говорит любой конкурент",
    },
    "offer_missing_specifics": {
        "en": "missing specifics: {missing}",
        "ru": "не хватает конкретики: {missing}",
    },
    "offer_missing_parts": {
        "en": "the value proposition does not say {missing}",
        "ru": "ценностное предложение не говорит, {missing}",
    },
    "offer_specific_number": {"en": "a number", "ru": "числа"},
    "offer_specific_unit": {
        "en": "a unit or currency after a number (7%, 16 packs, 500 ₽)",
        "ru": "единицы или валюты после числа (7%, 16 упаковок, 500 ₽)",
    },
    "offer_specific_deadline": {"en": "a date or deadline", "ru": "даты или срока"},
    "offer_specific_benefit": {
        "en": "a named benefit for the client (discount, free delivery, gift)",
        "ru": "названной выгоды для клиента (скидка, бесплатная доставка, подарок)",
    },
    "offer_part_for_whom": {"en": "for whom", "ru": "для кого"},
    "offer_part_job": {"en": "which job it does", "ru": "какую задачу решает"},
    "offer_part_pain": {"en": "which pain it removes", "ru": "какую боль снимает"},
    "offer_part_gain": {"en": "which gain it brings", "ru": "какую выгоду даёт"},
    "offer_part_proof": {"en": "which proof backs it", "ru": "чем это доказано"},
    "offer_title": {"en": "Offer check", "ru": "Проверка предложения"},
    "web_offer_min_quantity": {
        "en": "Offer from a quantity (units of the promoted items per order)",
        "ru": "Предложение от количества (штук продвигаемых товаров в заказе)",
    },
    "web_offer_min_amount": {
        "en": "or from an order amount",
        "ru": "или от суммы заказа",
    },
    "web_offer_message": {
        "en": "Offer text (checked for stop phrases and specifics)",
        "ru": "Текст предложения (проверяется на штампы и конкретику)",
    },
    "settings_title": {"en": "Workspace settings", "ru": "Настройки рабочей области"},
    "setting_not_set": {"en": "(not set)", "ru": "(не задано)"},
    "col_setting": {"en": "setting", "ru": "настройка"},
    "col_setting_value": {"en": "value", "ru": "значение"},
    "col_setting_default": {"en": "default", "ru": "по умолчанию"},
    "money_in": {"en": "{label}, {currency}", "ru": "{label}, {currency}"},
    # --- coverage and fit warnings (cxray.analytics.coverage) -----------------------------
    "as_of_required": {
        "en": "--as-of is required: there is no dated row in {tables}",
        "ru": "нужна дата --as-of: в таблицах {tables} нет строк с датой",
    },
    "as_of_line": {"en": "As of {as_of}", "ru": "На {as_of}"},
    "span_weeks": {"en": "{n} weeks", "ru": "{n} нед."},
    "span_months": {"en": "{n} months", "ru": "{n} мес."},
    "coverage_regular": {
        "en": "Regular clients need {need} months of orders; the data covers {span} "
        "({first} to {last}), so no client can be regular yet.",
        "ru": "Регулярным клиентам нужно {need} мес. заказов; данные охватывают {span} "
        "({first} — {last}), поэтому регулярных клиентов пока быть не может.",
    },
    "coverage_yoy": {
        "en": "Year-on-year change needs {need} months of orders; the data covers {span} "
        "({first} to {last}): a change against a month before the data starts is not real.",
        "ru": "Изменению к прошлому году нужно {need} мес. заказов; данные охватывают {span} "
        "({first} — {last}): изменение к месяцу до начала данных не настоящее.",
    },
    "coverage_active": {
        "en": "The active window is {need} months; the data covers {span} ({first} to "
        "{last}): active, key and window revenue count only those.",
        "ru": "Окно активности — {need} мес.; данные охватывают {span} ({first} — {last}): "
        "активные, ключевые и выручка окна посчитаны только за это время.",
    },
    "coverage_xyz": {
        "en": "XYZ classes measure revenue over {need} months; the data covers {span} "
        "({first} to {last}): earlier months count as zero, so most classes read Z.",
        "ru": "Классы XYZ меряют выручку за {need} мес.; данные охватывают {span} "
        "({first} — {last}): ранние месяцы считаются нулевыми, поэтому почти всё попадает в Z.",
    },
    "coverage_clv": {
        "en": "A CLV calibration needs at least {need} weeks of orders; the data covers {span} "
        "({first} to {last}): P(alive) and CLV are not reliable.",
        "ru": "Для обучения моделей CLV нужно не меньше {need} нед. заказов; данные охватывают "
        "{span} ({first} — {last}): P(alive) и CLV ненадёжны.",
    },
    "clv_few_repeaters": {
        "en": "Only {repeaters} customers bought again ({need} needed): the CLV models are "
        "not reliable.",
        "ru": "Повторно купили только {repeaters} клиентов (нужно {need}): модели CLV ненадёжны.",
    },
    "clv_degenerate": {
        "en": "The purchase model is degenerate (BG/NBD r = {r:.3g}, alpha = {alpha:.3g}, "
        "a = {a:.3g}, b = {b:.3g}; out of range: {parameters}): P(alive) and CLV mean nothing.",
        "ru": "Модель покупок вырождена (BG/NBD r = {r:.3g}, alpha = {alpha:.3g}, a = {a:.3g}, "
        "b = {b:.3g}; вне допустимого: {parameters}): P(alive) и CLV ничего не значат.",
    },
    "clv_spend_unbounded": {
        "en": "The spend model has no finite mean (Gamma-Gamma q = {q:.3g}, at most 1): "
        "customers without a repeat purchase get no expected value or CLV.",
        "ru": "У модели трат нет конечного среднего (Gamma-Gamma q = {q:.3g}, не больше 1): "
        "у клиентов без повторной покупки нет ожидаемой ценности и CLV.",
    },
    "clv_holdout_error": {
        "en": "On the holdout the models predicted {predicted:,.0f} purchases against "
        "{actual:,.0f} made ({error:+.0%}; more than {limit:.0%} off): read CLV with care.",
        "ru": "На проверочном периоде модели предсказали {predicted:,.0f} покупок при "
        "{actual:,.0f} фактических ({error:+.0%}; ошибка больше {limit:.0%}): CLV — с "
        "осторожностью.",
    },
    "clv_not_fitted_reason": {
        "en": "The CLV models cannot be fitted on orders up to {calibration_end}: no customer "
        "bought twice by then.",
        "ru": "Модели CLV нельзя обучить на заказах до {calibration_end}: к этой дате никто "
        "не купил повторно.",
    },
    "alerts_empty_no_watched": {
        "en": "No alerts: no regular or key clients, and the data covers only {span} "
        "({first} to {last}).",
        "ru": "Сигналов нет: нет регулярных и ключевых клиентов, а данные охватывают только "
        "{span} ({first} — {last}).",
    },
    "alerts_empty_none_watched": {
        "en": "No alerts: no client is regular or key as of {as_of}.",
        "ru": "Сигналов нет: на {as_of} нет регулярных и ключевых клиентов.",
    },
    "alerts_empty_no_year_ago": {
        "en": "No drift alerts: they compare the last {recent_months} months with a year earlier, "
        "and the data covers {span} ({first} to {last}).",
        "ru": "Сигналов о падении нет: они сравнивают последние {recent_months} мес. с тем же "
        "временем год назад, а данные охватывают {span} ({first} — {last}).",
    },
    "alerts_empty_no_p_alive": {
        "en": "No P(alive) alerts: the CLV models are missing or not reliable here.",
        "ru": "Сигналов по P(alive) нет: модели CLV не обучены или ненадёжны.",
    },
    "feedback_empty_range": {
        "en": "No answers up to {as_of}: the answers run from {first} to {last}.",
        "ru": "Нет ответов до {as_of}: ответы есть с {first} по {last}.",
    },
    "feedback_empty_none": {
        "en": "No answers in the workspace: import responses first (cxray import responses FILE).",
        "ru": "В рабочей области нет ответов: сначала импортируйте их (cxray import responses "
        "FILE).",
    },
    "warnings_title": {"en": "Read with care", "ru": "Читайте с осторожностью"},
    "bad_date_option": {
        "en": "{option}: '{value}' is not a date (yyyy-mm-dd or dd.mm.yyyy)",
        "ru": "{option}: '{value}' не дата (гггг-мм-дд или дд.мм.гггг)",
    },
    "date_option_out_of_range": {
        "en": "{option}: {value} is out of range (from {first} to {last})",
        "ru": "{option}: {value} вне допустимого диапазона (от {first} до {last})",
    },
    "internal_error": {
        "en": "internal error: {kind}: {detail}; run again with --debug for the details",
        "ru": "внутренняя ошибка: {kind}: {detail}; запустите снова с --debug, чтобы увидеть "
        "подробности",
    },
    "cannot_write": {
        "en": "cannot write {path}: {reason}",
        "ru": "не удалось записать {path}: {reason}",
    },
    "output_exists": {
        "en": "{path} already exists: add --force to overwrite it",
        "ru": "{path} уже существует: добавьте --force, чтобы перезаписать его",
    },
    "unknown_profile": {
        "en": "unknown demo profile '{profile}'; profiles: {known}",
        "ru": "неизвестный демо-профиль '{profile}'; профили: {known}",
    },
    # --- status ---------------------------------------------------------------------------
    "status_title": {"en": "Workspace {path}", "ru": "Рабочая область {path}"},
    "col_table": {"en": "table", "ru": "таблица"},
    "col_rows": {"en": "rows", "ru": "строк"},
    "col_rejected": {"en": "rejected", "ru": "отклонено"},
    "col_from": {"en": "from", "ru": "с"},
    "col_to": {"en": "to", "ru": "по"},
    # --- demo -----------------------------------------------------------------------------
    "demo_generating": {
        "en": "Generating demo profile {profile} (seed {seed}, as of {as_of})",
        "ru": "Генерация демо-профиля {profile} (seed {seed}, на дату {as_of})",
    },
    "demo_done": {
        "en": "Demo data written to {path} in {seconds:.1f} s",
        "ru": "Демо-данные записаны в {path} за {seconds:.1f} с",
    },
    "demo_csv": {"en": "CSV files written to {path}", "ru": "CSV-файлы записаны в {path}"},
    "demo_size_streamed_only": {
        "en": "--lines and --customers size the {streamed} profile only, not {profile}",
        "ru": "--lines и --customers задают размер только профиля {streamed}, не {profile}",
    },
    "demo_lines_or_customers": {
        "en": "give --lines or --customers, not both",
        "ru": "укажите --lines или --customers, но не оба",
    },
    "demo_writing": {"en": "Writing {path}", "ru": "Запись {path}"},
    "demo_files_written": {
        "en": "{n} Parquet files ({mb:,.1f} MB) written to {path} in {seconds:.1f} s",
        "ru": "{n} Parquet-файлов ({mb:,.1f} МБ) записано в {path} за {seconds:.1f} с",
    },
    "demo_imported": {
        "en": "{table}: {rows:,} rows imported in {seconds:.1f} s ({rejected:,} rejected)",
        "ru": "{table}: импортировано строк {rows:,} за {seconds:.1f} с (отклонено {rejected:,})",
    },
    # --- structure ------------------------------------------------------------------------
    "structure_title": {
        "en": "Client base structure as of {as_of}",
        "ru": "Структура клиентской базы на {as_of}",
    },
    "col_stage": {"en": "stage", "ru": "этап"},
    "col_customers": {"en": "customers", "ru": "клиентов"},
    "col_share_of_known": {"en": "% of known", "ru": "% от известных"},
    "col_definition": {"en": "definition", "ru": "определение"},
    "stage_known": {"en": "known", "ru": "известные"},
    "stage_reachable": {"en": "reachable", "ru": "достижимые"},
    "stage_active": {"en": "active", "ru": "активные"},
    "stage_regular": {"en": "regular", "ru": "регулярные"},
    "stage_key": {"en": "key", "ru": "ключевые"},
    "def_known": {
        "en": "every customer ever recorded",
        "ru": "все когда-либо записанные клиенты",
    },
    "def_reachable": {
        "en": "a current contact and an interaction in the last {days} days",
        "ru": "есть действующий контакт и взаимодействие за последние {days} дн.",
    },
    "def_active": {
        "en": "a purchase day (lines netting above zero) in the last {months} months",
        "ru": "есть день покупки (сумма строк больше нуля) за последние {months} мес.",
    },
    "def_regular": {
        "en": "purchases on >= {n} dates in every 12 months of the active window",
        "ru": "покупки в >= {n} разных дат в каждые 12 месяцев активного окна",
    },
    "def_key": {
        "en": "the fewest customers giving {share:.0%} of the window's revenue",
        "ru": "наименьшее число клиентов, дающих {share:.0%} выручки окна",
    },
    "key_summary": {
        "en": "{key} key customers give {share:.1%} of revenue in the active window; "
        "{key_regular} of them are regular",
        "ru": "{key} ключевых клиентов дают {share:.1%} выручки активного окна; "
        "регулярных среди них {key_regular}",
    },
    "returns_summary": {
        "en": "Active window: net revenue {net:,.0f} (every customer, returns subtracted); "
        "{ranked:,.0f} from customers with a positive net (the base of the key and Pareto "
        "shares); sold {sold:,.0f}, returned {returned:,.0f}: return rate {rate} by amount; "
        "{returned_only} customers only returned",
        "ru": "Активное окно: чистая выручка {net:,.0f} (все клиенты, за вычетом возвратов); "
        "{ranked:,.0f} от клиентов с положительным итогом (база долей ключевых и Парето); "
        "продано {sold:,.0f}, возвращено {returned:,.0f}: доля возвратов {rate} по сумме; "
        "только возвращали: {returned_only} клиентов",
    },
    "returns_title": {
        "en": "Returns: the {n} of {total} customers who returned most",
        "ru": "Возвраты: {n} из {total} клиентов с наибольшими возвратами",
    },
    "by_segment_title": {
        "en": "By {column}",
        "ru": "В разрезе {column}",
    },
    "pareto_title": {
        "en": "Pareto: customers needed for a share of revenue",
        "ru": "Парето: сколько клиентов дают долю выручки",
    },
    "col_revenue_share": {"en": "revenue share", "ru": "доля выручки"},
    "col_share_of_buyers": {"en": "% of buyers", "ru": "% покупателей"},
    "abc_title": {
        "en": "ABC-XYZ of {by} ({count} / revenue per cell)",
        "ru": "ABC-XYZ по {by} (число {count} / выручка в ячейке)",
    },
    "by_customer": {"en": "customers", "ru": "клиентам"},
    "by_sku": {"en": "SKUs", "ru": "SKU"},
    "abc_legend": {
        "en": "A/B/C: top {a:.0%} / next up to {b:.0%} / rest of revenue; "
        "X/Y/Z: monthly revenue CV <= {x} / <= {y} / above",
        "ru": "A/B/C: первые {a:.0%} / до {b:.0%} / остаток выручки; "
        "X/Y/Z: коэффициент вариации месячной выручки <= {x} / <= {y} / выше",
    },
    "col_class": {"en": "class", "ru": "класс"},
    "col_revenue": {"en": "revenue", "ru": "выручка"},
    "col_cv": {"en": "CV", "ru": "CV"},
    "no_rows": {"en": "(no rows)", "ru": "(нет строк)"},
    "products_title": {
        "en": "Revenue by customer and product, as of {as_of} (MoM / YoY)",
        "ru": "Выручка по клиентам и товарам на {as_of} (к пред. месяцу / к году назад)",
    },
    "whitespace_title": {
        "en": "Cross-sell opportunities as of {as_of}",
        "ru": "Возможности кросс-продаж на {as_of}",
    },
    "whitespace_needs_lines": {
        "en": "No product lines known: import products with a product_line column first "
        "(cxray import products FILE).",
        "ru": "Товарные линии неизвестны: сначала импортируйте товары с колонкой product_line "
        "(cxray import products FILE).",
    },
    "web_card_viewed": {
        "en": "Viewed on the website but not bought (last 90 days)",
        "ru": "Смотрят на сайте, но не покупают (последние 90 дней)",
    },
    "web_card_views": {"en": "Page views", "ru": "Просмотры"},
    "web_card_last_view": {"en": "Last view", "ru": "Последний просмотр"},
    "whitespace_viewed_title": {
        "en": "Viewed on the website but not bought (page views in the 90 days up to {as_of})",
        "ru": "Смотрят на сайте, но не покупают (просмотры за 90 дней по {as_of})",
    },
    "whitespace_matrix_title": {
        "en": "Revenue of {customer} by product line (0 = white space)",
        "ru": "Выручка {customer} по товарным линиям (0 = белое пятно)",
    },
    "rfm_title": {"en": "RFM segments as of {as_of}", "ru": "RFM-сегменты на {as_of}"},
    "rfm_legend": {
        "en": "Scores 1-5 by quintiles; segment from R and the mean of F and M "
        "(`cxray rfm --json` lists every customer).",
        "ru": "Баллы 1-5 по квинтилям; сегмент по R и среднему F и M "
        "(`cxray rfm --json` — все клиенты).",
    },
    "cohorts_title": {
        "en": "Cohorts by {period} of first order: {metric}, as of {as_of}",
        "ru": "Когорты по {period} первого заказа: {metric}, на {as_of}",
    },
    "activation_title": {
        "en": "Activation: share of customers making order k+1 after order k",
        "ru": "Активация: доля клиентов, сделавших заказ k+1 после заказа k",
    },
    "col_cohort": {"en": "cohort", "ru": "когорта"},
    "col_cohort_size": {"en": "size", "ru": "размер"},
    "col_next": {"en": "made k+1", "ru": "сделали k+1"},
    "col_share_next": {"en": "share k+1", "ru": "доля k+1"},
    "col_median_days": {"en": "median days", "ru": "медиана дней"},
    "activation_budget_title": {
        "en": "Activation budget: new customers acquired in the last {months} months, "
        "order 1 at least {window_days} days before {as_of}",
        "ru": "Бюджет активации: новые клиенты за последние {months} мес., "
        "первый заказ не позже чем за {window_days} дн. до {as_of}",
    },
    "activation_figure": {"en": "figure", "ru": "показатель"},
    "activation_value": {"en": "value", "ru": "значение"},
    "activation_new_customers": {"en": "new customers", "ru": "новых клиентов"},
    "activation_margin": {"en": "margin (share)", "ru": "маржа (доля)"},
    "activation_months": {"en": "acquired in the last months", "ru": "привлечены за мес."},
    "activation_window_days": {
        "en": "window after order 1, days",
        "ru": "окно после 1-го заказа, дн.",
    },
    "activation_order2_rate": {
        "en": "made order 2 within the window",
        "ru": "сделали 2-й заказ в окне",
    },
    "activation_order3_rate": {
        "en": "made order 3 within the window",
        "ru": "сделали 3-й заказ в окне",
    },
    "activation_median_days_1_2": {
        "en": "median days, order 1 -> 2",
        "ru": "медиана дней, заказ 1 -> 2",
    },
    "activation_median_days_2_3": {
        "en": "median days, order 2 -> 3",
        "ru": "медиана дней, заказ 2 -> 3",
    },
    "activation_first_order_value": {
        "en": "first order, mean net amount",
        "ru": "первый заказ, средняя сумма",
    },
    "activation_first_order_margin": {
        "en": "first order margin = budget per new customer",
        "ru": "маржа первого заказа = бюджет на нового клиента",
    },
    "activation_budget_per_message": {
        "en": "budget per message (after orders 1 and 2)",
        "ru": "бюджет на сообщение (после 1-го и 2-го заказа)",
    },
    "activation_messages": {
        "en": "messages the budget buys",
        "ru": "сообщений на бюджет",
    },
    "activation_second_order_value": {
        "en": "second order, mean net amount",
        "ru": "второй заказ, средняя сумма",
    },
    "activation_breakeven_rise": {
        "en": "break-even rise of the order 2 rate",
        "ru": "рост доли 2-го заказа для окупаемости",
    },
    "activation_breakeven_rate": {
        "en": "order 2 rate that pays the budget back",
        "ru": "доля 2-го заказа, при которой бюджет окупается",
    },
    "activation_summary": {
        "en": "Spend about {budget} per new customer (one first order's margin at {margin}), "
        "e.g. a message after order 1 and one after order 2. It pays back if the share making "
        "order 2 rises by {rise} percentage points, from {rate} to {target}.",
        "ru": "Тратьте около {budget} на нового клиента (маржа одного первого заказа при "
        "{margin}), например сообщение после 1-го заказа и после 2-го. Бюджет окупится, если "
        "доля сделавших 2-й заказ вырастет на {rise} п. п., с {rate} до {target}.",
    },
    "activation_unreachable": {
        "en": "That is above 100%: a smaller budget (or a cheaper message) is needed.",
        "ru": "Это больше 100 %: нужен меньший бюджет (или более дешёвые сообщения).",
    },
    "activation_no_new_customers": {
        "en": "No new customers: nobody was acquired in the last {months} months with order 1 "
        "at least {window_days} days before the analysis date.",
        "ru": "Нет новых клиентов: никто не привлечён за последние {months} мес. с первым "
        "заказом не позже чем за {window_days} дн. до даты анализа.",
    },
    "activation_no_second_orders": {
        "en": "No new customer made order 2 within {window_days} days: the break-even rate "
        "cannot be computed.",
        "ru": "Ни один новый клиент не сделал 2-й заказ за {window_days} дн.: порог "
        "окупаемости не рассчитать.",
    },
    # loyalty (cxray loyalty): penetration, rewards, the matched effect
    "loyalty_figures_title": {
        "en": "Loyalty programme as of {as_of}: the last 12 months; the effect over the {months} "
        "months after joining, against matched non-members (estimate [95% interval])",
        "ru": "Программа лояльности на {as_of}: последние 12 мес.; эффект за {months} мес. после "
        "вступления против похожих не-участников (оценка [95% интервал])",
    },
    "loyalty_tier_title": {
        "en": "Reward rate by tier (the last 12 months)",
        "ru": "Доля бонусов по уровням (последние 12 мес.)",
    },
    "loyalty_band_title": {
        "en": "Reward rate by spend band (members' quartiles of 12-month revenue)",
        "ru": "Доля бонусов по группам трат (квартили выручки участников за 12 мес.)",
    },
    "loyalty_balance_title": {
        "en": "Balance: standardized mean differences, members against controls",
        "ru": "Баланс: стандартизованные разности средних, участники против контроля",
    },
    "loyalty_col_figure": {"en": "figure", "ru": "показатель"},
    "loyalty_window_months": {"en": "months after joining", "ru": "мес. после вступления"},
    "loyalty_revenue_low": {
        "en": "extra revenue per month, 95% interval low",
        "ru": "прирост выручки в месяц, нижняя граница 95%",
    },
    "loyalty_revenue_high": {
        "en": "extra revenue per month, 95% interval high",
        "ru": "прирост выручки в месяц, верхняя граница 95%",
    },
    "loyalty_retention_low": {
        "en": "extra retention, 95% interval low",
        "ru": "прирост удержания, нижняя граница 95%",
    },
    "loyalty_retention_high": {
        "en": "extra retention, 95% interval high",
        "ru": "прирост удержания, верхняя граница 95%",
    },
    "loyalty_col_value": {"en": "value", "ru": "значение"},
    "loyalty_col_tier": {"en": "tier", "ru": "уровень"},
    "loyalty_col_band": {"en": "spend band", "ru": "группа трат"},
    "loyalty_col_members": {"en": "members", "ru": "участников"},
    "loyalty_col_revenue": {"en": "revenue", "ru": "выручка"},
    "loyalty_col_accrued_value": {"en": "rewards accrued", "ru": "начислено бонусов"},
    "loyalty_col_reward_rate": {"en": "reward rate", "ru": "доля бонусов"},
    "loyalty_col_feature": {"en": "feature", "ru": "признак"},
    "loyalty_col_smd_before": {"en": "SMD before matching", "ru": "SMD до подбора"},
    "loyalty_col_smd_after": {"en": "SMD after matching", "ru": "SMD после подбора"},
    "loyalty_no_tier": {"en": "(no tier)", "ru": "(без уровня)"},
    "loyalty_feature_recency": {"en": "recency, days", "ru": "давность, дн."},
    "loyalty_feature_frequency": {"en": "frequency, purchase days", "ru": "частота, дни покупок"},
    "loyalty_feature_monetary": {"en": "revenue, 12 months", "ru": "выручка за 12 мес."},
    "loyalty_feature_tenure": {"en": "tenure, days", "ru": "стаж, дн."},
    "loyalty_members": {"en": "members", "ru": "участников"},
    "loyalty_active_customers": {"en": "active customers", "ru": "активных клиентов"},
    "loyalty_active_members": {"en": "active members", "ru": "активных участников"},
    "loyalty_penetration": {
        "en": "penetration (members among active customers)",
        "ru": "проникновение (участники среди активных клиентов)",
    },
    "loyalty_member_revenue_share": {
        "en": "members' share of revenue",
        "ru": "доля участников в выручке",
    },
    "loyalty_accrued_value": {"en": "rewards accrued", "ru": "начислено бонусов"},
    "loyalty_redeemed_value": {"en": "rewards redeemed", "ru": "списано бонусов"},
    "loyalty_reward_cost_share": {
        "en": "reward cost: redeemed / members' revenue",
        "ru": "стоимость бонусов: списано / выручка участников",
    },
    "loyalty_accrual_share": {
        "en": "accrued / members' revenue",
        "ru": "начислено / выручка участников",
    },
    "loyalty_redemption_rate": {
        "en": "redemption rate (points redeemed / accrued)",
        "ru": "доля списания (баллы списаны / начислены)",
    },
    "loyalty_breakage": {
        "en": "breakage (points not redeemed)",
        "ru": "несписанные баллы (breakage)",
    },
    "loyalty_evaluated": {
        "en": "members evaluated (full window, with history)",
        "ru": "участников в оценке (полное окно, с историей)",
    },
    "loyalty_matched": {"en": "matched to non-members", "ru": "нашлись похожие не-участники"},
    "loyalty_without_history": {
        "en": "members without purchases before joining",
        "ru": "участников без покупок до вступления",
    },
    "loyalty_revenue_did": {
        "en": "extra revenue per member per month",
        "ru": "прирост выручки на участника в месяц",
    },
    "loyalty_retention_did": {
        "en": "extra retention (returned in the window)",
        "ru": "прирост удержания (вернулись в окне)",
    },
    "loyalty_naive_revenue_diff": {
        "en": "naive difference, members against all non-members",
        "ru": "наивная разница, участники против всех не-участников",
    },
    "loyalty_retained": {
        "en": "members who came back in the window",
        "ru": "участников вернулись в окне",
    },
    "loyalty_would_have_come_back": {
        "en": "of them, would have come back anyway",
        "ru": "из них вернулись бы и без программы",
    },
    "loyalty_would_have_come_back_share": {
        "en": "share that would have come back anyway",
        "ru": "доля вернувшихся бы и без программы",
    },
    "loyalty_summary": {
        "en": "Against matched non-members, the {matched} matched members brought {did} of "
        "revenue per month each in their first {months} months (95% interval {low} to {high}) "
        "and {ret} of retention. About {anyway} of the {retained} members who came back "
        "({share}) would have come back without the points.",
        "ru": "По сравнению с похожими не-участниками {matched} участников принесли по {did} "
        "выручки в месяц за первые {months} мес. (95% интервал от {low} до {high}) и {ret} "
        "удержания. Около {anyway} из {retained} вернувшихся участников ({share}) вернулись бы "
        "и без баллов.",
    },
    "loyalty_no_members": {
        "en": "No loyalty members on {as_of}: import loyalty_members (cxray import "
        "loyalty_members FILE).",
        "ru": "Нет участников программы лояльности на {as_of}: загрузите loyalty_members "
        "(cxray import loyalty_members FILE).",
    },
    "loyalty_no_rewards": {
        "en": "No rewards in the 12 months before {as_of}: import loyalty_rewards for the reward "
        "cost, redemption and breakage.",
        "ru": "Нет бонусов за 12 мес. до {as_of}: загрузите loyalty_rewards, чтобы увидеть "
        "стоимость бонусов, списание и breakage.",
    },
    "loyalty_few_matches": {
        "en": "Only {matched} of {evaluated} members evaluated (joined at least the window "
        "before, with purchases before joining) found matching non-members; at least 30, and "
        "half of them, are needed: the effect is uncertain or missing.",
        "ru": "Похожие не-участники нашлись только для {matched} из {evaluated} оцениваемых "
        "участников (вступили не позже чем за окно до даты, с покупками до вступления); нужно "
        "не меньше 30 и не меньше половины: эффект ненадёжен или не рассчитан.",
    },
    "loyalty_imbalance": {
        "en": "Members and their controls still differ after matching (|SMD| above 0.1): "
        "{features}.",
        "ru": "Участники и контроль различаются и после подбора (|SMD| выше 0,1): {features}.",
    },
    # leads (cxray leads): the funnel, speed of contact, CPL / CAC, payback
    "leads_funnel_title": {
        "en": "Lead funnel by {by}, as of {as_of} (rate [95% interval])",
        "ru": "Воронка лидов по {by}, на {as_of} (доля [95% интервал])",
    },
    "leads_speed_title": {
        "en": "Speed of first contact and ownership (SLA {sla_hours} h)",
        "ru": "Скорость первого контакта и ответственные (SLA {sla_hours} ч)",
    },
    "leads_costs_title": {
        "en": "Cost per lead (CPL) and per won customer (CAC) by channel",
        "ru": "Стоимость лида (CPL) и выигранного клиента (CAC) по каналам",
    },
    "leads_costs_month_title": {
        "en": "CPL and CAC by channel and month (leads by the month they came in)",
        "ru": "CPL и CAC по каналам и месяцам (лиды по месяцу поступления)",
    },
    "leads_payback_title": {
        "en": "Payback of won customers by channel (margin {margin})",
        "ru": "Окупаемость выигранных клиентов по каналам (маржа {margin})",
    },
    "leads_lost_title": {"en": "Why leads were lost", "ru": "Почему лиды потеряны"},
    "leads_by_channel": {"en": "channel", "ru": "каналам"},
    "leads_by_owner": {"en": "owner", "ru": "ответственным"},
    "leads_by_month": {"en": "month", "ru": "месяцам"},
    "leads_all": {"en": "all leads", "ru": "все лиды"},
    "leads_unowned": {"en": "(nobody)", "ru": "(никто)"},
    "leads_not_yet": {"en": "not yet", "ru": "ещё нет"},
    "leads_col_owner": {"en": "owner", "ru": "ответственный"},
    "leads_col_channel": {"en": "channel", "ru": "канал"},
    "leads_col_month": {"en": "month", "ru": "месяц"},
    "leads_col_leads": {"en": "leads", "ru": "лиды"},
    "leads_col_contacted": {"en": "contacted", "ru": "контакт"},
    "leads_col_qualified": {"en": "qualified", "ru": "квалиф."},
    "leads_col_won": {"en": "won", "ru": "выиграно"},
    "leads_col_contact_rate": {"en": "contact rate", "ru": "доля контакта"},
    "leads_col_qualify_rate": {"en": "qualified / contacted", "ru": "квалиф. / контакт"},
    "leads_col_win_rate": {"en": "won / qualified", "ru": "выигр. / квалиф."},
    "leads_col_lead_to_won_rate": {"en": "won / leads", "ru": "выигр. / лиды"},
    "leads_col_median_hours": {"en": "median hours to contact", "ru": "медиана часов до контакта"},
    "leads_col_p90_hours": {"en": "p90 hours", "ru": "p90 часов"},
    "leads_col_unowned": {"en": "unowned", "ru": "без ответственного"},
    "leads_col_breaches": {"en": "SLA breaches", "ru": "нарушения SLA"},
    "leads_col_not_due": {"en": "open, not yet due", "ru": "открыты, срок не истёк"},
    "leads_col_cost": {"en": "cost", "ru": "затраты"},
    "leads_col_won_customers": {"en": "won customers", "ru": "выигр. клиентов"},
    "leads_col_cpl": {"en": "CPL", "ru": "CPL"},
    "leads_col_cac": {"en": "CAC", "ru": "CAC"},
    "leads_col_customers_with_orders": {"en": "with orders", "ru": "с заказами"},
    "leads_col_margin_per_customer": {
        "en": "margin per customer so far",
        "ru": "маржа на клиента к дате",
    },
    "leads_col_payback_months": {"en": "payback, months", "ru": "окупаемость, мес."},
    "leads_col_months_observed": {"en": "months observed", "ru": "мес. наблюдения"},
    "leads_col_clv_per_customer": {"en": "CLV per customer", "ru": "CLV на клиента"},
    "leads_col_clv_to_cac": {"en": "CLV / CAC", "ru": "CLV / CAC"},
    "leads_col_reason": {"en": "reason", "ru": "причина"},
    "leads_col_share": {"en": "share", "ru": "доля"},
    "leads_summary": {
        "en": "Of {leads} leads, {won} were won ({rate}). Leads with an owner were won {owned} "
        "of the time, unowned ones {unowned}: a gap of {gap} (95% interval {low} to {high}). "
        "{breaches} leads were not contacted within {sla_hours} hours; {unowned_leads} have no "
        "owner.",
        "ru": "Из {leads} лидов выиграно {won} ({rate}). Лиды с ответственным выигрываются в "
        "{owned} случаев, без ответственного — в {unowned}: разница {gap} (95% интервал от "
        "{low} до {high}). {breaches} лидов не получили контакт за {sla_hours} ч; у "
        "{unowned_leads} нет ответственного.",
    },
    # --- web events: actions, funnels, paths (cxray.api.web) ---
    "web_events_none": {
        "en": "No web events captured yet: put the snippet on the site (docs/web-events.md) or "
        "import events (cxray import web_events FILE).",
        "ru": "Событий сайта пока нет: поставьте сниппет на сайт (docs/web-events.md) или "
        "импортируйте события (cxray import web_events ФАЙЛ).",
    },
    "web_actions_none": {
        "en": "No actions defined yet: define one with cxray actions add NAME --url PATTERN "
        "[--selector CSS] [--text TEXT]; it counts the events captured before it too.",
        "ru": "Действия ещё не заданы: задайте действие командой cxray actions add ИМЯ --url "
        "ШАБЛОН [--selector CSS] [--text ТЕКСТ]; оно посчитает и события, собранные до него.",
    },
    "action_unknown": {
        "en": "No action called {name}; defined: {known}.",
        "ru": "Действия {name} нет; заданы: {known}.",
    },
    "action_bad_name": {
        "en": "Bad action name {name!r}: use letters, digits, spaces and _ . : / + - (at most 64).",
        "ru": "Недопустимое имя действия {name!r}: используйте буквы, цифры, пробелы и _ . : / "
        "+ - (не более 64).",
    },
    "action_needs_rule": {
        "en": "Action {name} needs a rule: a URL pattern, a CSS selector, a text or an event type.",
        "ru": "Действию {name} нужно правило: шаблон URL, CSS-селектор, текст или тип события.",
    },
    "action_bad_character": {
        "en": "Action {name}: its {part} holds a control character (a NUL, a line break).",
        "ru": "Действие {name}: в поле {part} есть управляющий символ (NUL, перевод строки).",
    },
    "action_bad_event": {
        "en": "Unknown event type {event}; known: {known}.",
        "ru": "Неизвестный тип события {event}; известны: {known}.",
    },
    "action_bad_selector": {
        "en": "The selector {selector!r} cannot be matched at {part!r}: use tags, #ids and "
        ".classes joined by spaces or >, e.g. 'form#order button.buy'.",
        "ru": "Селектор {selector!r} не поддерживается в части {part!r}: используйте теги, "
        "#id и .классы через пробел или >, например 'form#order button.buy'.",
    },
    "action_saved": {
        "en": "Action {name} saved: {events:,} events by {visitors:,} visitors in the last "
        "{days} days up to {as_of}.",
        "ru": "Действие {name} сохранено: {events:,} событий, {visitors:,} посетителей за "
        "последние {days} дн. по {as_of}.",
    },
    "action_removed": {
        "en": "Action {name} removed (the events stay).",
        "ru": "Действие {name} удалено (события остаются).",
    },
    "web_actions_title": {
        "en": "Actions, {days} days up to {as_of}",
        "ru": "Действия, {days} дн. по {as_of}",
    },
    "web_funnel_title": {
        "en": "Funnel within {within} days, {days} days up to {as_of}",
        "ru": "Воронка в пределах {within} дн., {days} дн. по {as_of}",
    },
    "web_paths_title": {
        "en": "Most frequent paths ({steps} pages), {days} days up to {as_of}",
        "ru": "Самые частые пути ({steps} стр.), {days} дн. по {as_of}",
    },
    "site_col_action": {"en": "action", "ru": "действие"},
    "site_col_rule": {"en": "rule", "ru": "правило"},
    "site_col_events": {"en": "events", "ru": "события"},
    "site_col_visitors": {"en": "visitors", "ru": "посетители"},
    "site_col_customers": {"en": "customers", "ru": "клиенты"},
    "site_col_first_seen": {"en": "first seen", "ru": "впервые"},
    "site_col_last_seen": {"en": "last seen", "ru": "последний раз"},
    "site_col_step": {"en": "step", "ru": "шаг"},
    "site_col_persons": {"en": "people", "ru": "люди"},
    "site_col_of_previous": {"en": "of previous", "ru": "от предыдущего"},
    "site_col_of_first": {"en": "of first", "ru": "от первого"},
    "site_col_dropped": {"en": "dropped", "ru": "отпали"},
    "site_col_median_time": {"en": "median time", "ru": "медиана времени"},
    "site_minutes": {"en": "{n} min", "ru": "{n} мин"},
    "site_hours": {"en": "{n} h", "ru": "{n} ч"},
    "site_days": {"en": "{n} d", "ru": "{n} дн."},
    "site_col_pages": {"en": "pages", "ru": "страницы"},
    "site_col_sessions": {"en": "sessions", "ru": "сессии"},
    "site_col_share": {"en": "share", "ru": "доля"},
    "site_rule_url": {"en": "URL {value}", "ru": "URL {value}"},
    "site_rule_selector": {"en": "element {value}", "ru": "элемент {value}"},
    "site_rule_text": {"en": "text «{value}»", "ru": "текст «{value}»"},
    "site_rule_event": {"en": "{value} events", "ru": "события {value}"},
    # --- the website in the web workspace, the customer card and the report ---
    "web_nav_web": {"en": "Website", "ru": "Сайт"},
    "web_site_lead": {
        "en": "What visitors do on the site: actions defined over the captured events (they "
        "count the history too), a funnel of actions and the paths sessions take.",
        "ru": "Что посетители делают на сайте: действия, заданные над собранными событиями "
        "(считают и историю), воронка действий и пути, которыми идут сессии.",
    },
    "web_site_snippet": {
        "en": "Put this tag on every page of the site (see docs/web-events.md) and name the "
        "site's origin in the setting web_origins (cxray settings set web_origins "
        "https://shop.example):",
        "ru": "Поставьте этот тег на каждую страницу сайта (см. docs/web-events.md) и укажите "
        "адрес сайта в настройке web_origins (cxray settings set web_origins "
        "https://shop.example):",
    },
    "web_site_no_actions": {
        "en": "No actions defined yet: an action names the events that mean something (a URL "
        "pattern, a CSS selector, a text, an event type) and counts those captured before it "
        "too.",
        "ru": "Действия ещё не заданы: действие называет события, которые что-то значат "
        "(шаблон адреса, CSS-селектор, текст, тип события), и считает и собранные до него.",
    },
    "web_site_define": {"en": "Define an action", "ru": "Задать действие"},
    "web_site_name": {"en": "Name", "ru": "Название"},
    "web_site_url": {"en": "URL pattern (/catalog/*)", "ru": "Шаблон адреса (/catalog/*)"},
    "web_site_selector": {"en": "CSS selector (button.buy)", "ru": "CSS-селектор (button.buy)"},
    "web_site_text": {"en": "Element text", "ru": "Текст элемента"},
    "web_site_event": {"en": "Event type", "ru": "Тип события"},
    "web_site_event_implied": {
        "en": "as the rule implies (page views; clicks with a selector or a text)",
        "ru": "по правилу (просмотры; клики, если задан селектор или текст)",
    },
    "web_site_save": {"en": "Save the action", "ru": "Сохранить действие"},
    "web_site_remove": {"en": "Remove", "ru": "Удалить"},
    "web_site_funnel": {"en": "Funnel", "ru": "Воронка"},
    "web_site_funnel_pick": {
        "en": "Pick 2 to 10 actions in order to see how many people go from one to the next.",
        "ru": "Выберите от 2 до 10 действий по порядку, чтобы увидеть, сколько людей доходит "
        "от одного до следующего.",
    },
    "web_site_step": {"en": "Step {n}", "ru": "Шаг {n}"},
    "web_site_within": {"en": "within days", "ru": "в пределах дней"},
    "web_site_days": {"en": "days", "ru": "дней"},
    "web_site_as_of": {"en": "as of", "ru": "на дату"},
    "web_site_start": {"en": "from pages matching", "ru": "начиная со страниц"},
    "web_site_pages": {"en": "pages", "ru": "страниц"},
    "web_card_site": {"en": "Website", "ru": "Сайт"},
    "web_card_site_none": {
        "en": "No web sessions of this customer in the {days} days up to {as_of}.",
        "ru": "Нет сессий этого клиента на сайте за {days} дн. по {as_of}.",
    },
    "web_card_site_no_events": {
        "en": "No web events captured yet.",
        "ru": "Событий сайта пока нет.",
    },
    "web_card_site_sessions": {
        "en": "Latest {shown} of {total} sessions in the {days} days up to {as_of}",
        "ru": "Последние {shown} из {total} сессий за {days} дн. по {as_of}",
    },
    "web_card_site_start": {"en": "Start (UTC)", "ru": "Начало (UTC)"},
    "web_card_site_minutes": {"en": "Minutes", "ru": "Минут"},
    "web_card_site_pages": {"en": "Pages", "ru": "Страниц"},
    "web_card_site_path": {"en": "Entry → exit", "ru": "Вход → выход"},
    "web_card_site_events": {"en": "Events", "ru": "Событий"},
    "web_card_site_actions": {"en": "Actions done", "ru": "Совершённые действия"},
    "sec_web": {"en": "Website", "ru": "Сайт"},
    "read_web": {
        "en": "What visitors did on the site in the {days} days up to {as_of}: each action "
        "defined over the captured events with its counts, the most frequent paths of {steps} "
        "pages, and the funnel of the setting web_funnel when it names 2 or more defined "
        "actions.",
        "ru": "Что посетители делали на сайте за {days} дн. по {as_of}: каждое действие, "
        "заданное над собранными событиями, с его числами, самые частые пути из {steps} "
        "страниц и воронка из настройки web_funnel, если в ней 2 или больше заданных действий.",
    },
    "web_funnel_unknown": {
        "en": "The setting web_funnel names actions that are not defined: {names}.",
        "ru": "В настройке web_funnel есть незаданные действия: {names}.",
    },
    "xlsx_sheet_web_actions": {"en": "website actions", "ru": "Действия на сайте"},
    "xlsx_sheet_web_paths": {"en": "website paths", "ru": "Пути по сайту"},
    "xlsx_sheet_web_funnel": {"en": "website funnel", "ru": "Воронка сайта"},
    "xlsx_col_web_actions_url": {"en": "URL pattern", "ru": "шаблон адреса"},
    "xlsx_col_web_actions_selector": {"en": "selector", "ru": "селектор"},
    "xlsx_col_web_actions_text": {"en": "text", "ru": "текст"},
    "xlsx_col_web_actions_event": {"en": "event type", "ru": "тип события"},
    "xlsx_col_web_actions_events": {"en": "events", "ru": "события"},
    "xlsx_col_web_actions_visitors": {"en": "visitors", "ru": "посетители"},
    "xlsx_col_web_actions_persons": {"en": "people", "ru": "люди"},
    "xlsx_col_web_actions_first_seen": {"en": "first seen", "ru": "впервые"},
    "xlsx_col_web_actions_last_seen": {"en": "last seen", "ru": "последний раз"},
    "xlsx_col_web_paths_pages": {"en": "pages", "ru": "страницы"},
    "xlsx_col_web_paths_sessions": {"en": "sessions", "ru": "сессии"},
    "xlsx_col_web_funnel_step": {"en": "step", "ru": "шаг"},
    "xlsx_col_web_funnel_action": {"en": "action", "ru": "действие"},
    "xlsx_col_web_funnel_persons": {"en": "people", "ru": "люди"},
    "xlsx_col_web_funnel_of_previous": {"en": "of previous", "ru": "от предыдущего"},
    "xlsx_col_web_funnel_of_first": {"en": "of first", "ru": "от первого"},
    "xlsx_col_web_funnel_dropped": {"en": "dropped", "ru": "отпали"},
    "xlsx_col_web_funnel_median_hours": {"en": "median hours", "ru": "медиана, ч"},
    "leads_none": {
        "en": "No leads up to {as_of}: import a leads table (cxray import leads FILE) to see "
        "the funnel.",
        "ru": "Нет лидов по {as_of}: импортируйте таблицу лидов (cxray import leads ФАЙЛ), "
        "чтобы увидеть воронку.",
    },
    "leads_few": {
        "en": "Fewer than {n} leads in {count} groups ({groups}): their intervals are wide.",
        "ru": "Меньше {n} лидов в {count} группах ({groups}): их интервалы широкие.",
    },
    "leads_no_costs": {
        "en": "No channel costs up to {as_of}: CPL and CAC need a channel_costs table.",
        "ru": "Нет затрат по каналам по {as_of}: для CPL и CAC нужна таблица channel_costs.",
    },
    "leads_clv_untrusted": {
        "en": "The CLV fit up to {as_of} is not to be trusted per customer: payback is shown "
        "without CLV.",
        "ru": "Модели CLV по {as_of} нельзя доверять по отдельным клиентам: окупаемость без CLV.",
    },
    "clv_unit_day": {"en": "day", "ru": "дн."},
    "clv_unit_week": {"en": "week", "ru": "нед."},
    "clv_unit_month": {"en": "month", "ru": "мес."},
    "col_pnd": {"en": "P/N/D", "ru": "П/Н/К"},
    "clv_params_title": {
        "en": "CLV models fitted on orders up to {end} (unit: {unit})",
        "ru": "Модели CLV по заказам до {end} (единица: {unit})",
    },
    "clv_top_title": {
        "en": "Top {n} customers by CLV over {horizon:g} {unit}s",
        "ru": "Топ-{n} клиентов по CLV на {horizon:g} {unit}",
    },
    "clv_unreliable_line": {
        "en": "Unreliable: the warnings say this fit cannot be trusted, so the P(alive), "
        "expected purchases and CLV below are not estimates to act on.",
        "ru": "Ненадёжно: по предупреждениям этой модели нельзя доверять, поэтому вероятность "
        "активности, ожидаемые покупки и CLV ниже — не оценки, на которые можно опираться.",
    },
    "clv_unreliable_mark": {"en": "(unreliable)", "ru": "(ненадёжно)"},
    "products_returns_title": {
        "en": "Returns by amount: {n} of {total} with a return, the most returned first",
        "ru": "Возвраты по сумме: {n} из {total} с возвратами, сначала самые большие",
    },
    "clv_validation_title": {
        "en": "Holdout: mean purchases per customer, actual vs predicted, by calibration "
        "repeat purchases",
        "ru": "Проверка: среднее число покупок на клиента, факт и прогноз, по числу повторных "
        "покупок в периоде обучения",
    },
    "clv_holdout_totals": {
        "en": "Holdout total: {actual:,.0f} purchases made, {predicted:,.0f} predicted",
        "ru": "Итого за период проверки: покупок {actual:,.0f}, прогноз {predicted:,.0f}",
    },
    "alerts_none": {"en": "No alerts as of {as_of}", "ru": "На {as_of} сигналов нет"},
    "alerts_title": {"en": "{n} alerts as of {as_of}:", "ru": "Сигналов на {as_of}: {n}"},
    "was_regular": {"en": "regular a year ago", "ru": "регулярный год назад"},
    "alert_p_alive": {
        "en": "{customer} ({status}): P(alive) {p:.0%}; no purchase for {weeks:.0f} weeks after "
        "{repeats} repeat purchases",
        "ru": "{customer} ({status}): вероятность активности {p:.0%}; нет покупок {weeks:.0f} "
        "нед. после {repeats} повторных покупок",
    },
    "alert_drift": {
        "en": "{customer} ({status}): revenue of the last {months} months {recent} against "
        "{before} a year earlier ({pct:+.0%}); fell most: {lines}",
        "ru": "{customer} ({status}): выручка за последние {months} мес. {recent} против "
        "{before} годом ранее ({pct:+.0%}); сильнее всего упали: {lines}",
    },
    "alert_portal_activity_fell": {
        "en": "{customer} ({status}): {recent} web sessions in the last {recent_days} days "
        "against {mean} per {recent_days} days over the {base_days} days before ({ratio:.0%})",
        "ru": "{customer} ({status}): сессий на сайте за последние {recent_days} дн. {recent} "
        "против {mean} в среднем за {recent_days} дн. в предыдущие {base_days} дн. ({ratio:.0%})",
    },
    # --- campaigns (cxray.comms) ----------------------------------------------------------
    "campaign_not_found": {
        "en": "No campaign file {file}.yaml in the workspace's campaigns folder",
        "ru": "В папке campaigns рабочей области нет файла кампании {file}.yaml",
    },
    # --- initiatives -------------------------------------------------------------------------
    "initiative_not_mapping": {
        "en": "{file}: an initiative file must be a YAML mapping (key: value lines), got {got}",
        "ru": "{file}: файл инициативы должен быть YAML-словарём (строки «ключ: значение»), "
        "получено {got}",
    },
    "initiative_incomplete": {
        "en": "{file}: the initiative is incomplete; missing: {fields}",
        "ru": "{file}: инициатива заполнена не полностью; не хватает: {fields}",
    },
    "initiative_bad_type": {
        "en": "{file}: type {value} is unknown; known types: {known}",
        "ru": "{file}: неизвестный тип {value}; допустимые типы: {known}",
    },
    "initiative_end_before_start": {
        "en": "{file}: end {end} is before start {start}",
        "ru": "{file}: окончание {end} раньше начала {start}",
    },
    "initiative_bad_amount": {
        "en": "{file}: {field} must be a number of at least 0, got {value}",
        "ru": "{file}: {field} должно быть числом не меньше 0, получено {value}",
    },
    "initiative_enabling_unlocks": {
        "en": "{file}: an enabling initiative must name the metric it unlocks (unlocks: one of "
        "{known})",
        "ru": "{file}: инициатива-фундамент должна назвать метрику, которую она открывает "
        "(unlocks: одна из {known})",
    },
    "initiative_bad_metric": {
        "en": "{file}: {field} '{value}' is not a metric of a {type} initiative; known: {known}",
        "ru": "{file}: {field} '{value}' — не метрика инициативы типа {type}; допустимые: {known}",
    },
    "initiative_enabling_affected": {
        "en": "{file}: an enabling initiative has no affected group (it is measured before "
        "against after, without a control group); remove affected",
        "ru": "{file}: у инициативы-фундамента нет затронутой группы (она измеряется как «до» "
        "против «после», без контрольной группы); уберите affected",
    },
    "initiative_unlocks_not_enabling": {
        "en": "{file}: unlocks is for enabling initiatives, not for a {type} initiative",
        "ru": "{file}: unlocks указывается только у инициатив-фундаментов, не у типа {type}",
    },
    "initiative_cost_value": {
        "en": "{file}: a cost initiative needs value_per_unit (money per contact, return or "
        "complaint avoided)",
        "ru": "{file}: инициативе снижения затрат нужен value_per_unit (деньги за каждое "
        "избежанное обращение, возврат или жалобу)",
    },
    "initiative_value_not_cost": {
        "en": "{file}: value_per_unit is for cost initiatives, not for a {type} initiative",
        "ru": "{file}: value_per_unit указывается только у инициатив снижения затрат, "
        "не у типа {type}",
    },
    "initiative_bad_change": {
        "en": "{file}: target.change must be a number, got {value}",
        "ru": "{file}: target.change должно быть числом, получено {value}",
    },
    "initiative_wrong_direction": {
        "en": "{file}: a {type} initiative expecting {metric} to change by {change:+g} "
        "contradicts its type (it should move the other way)",
        "ru": "{file}: инициатива типа {type}, ожидающая изменения {metric} на {change:+g}, "
        "противоречит своему типу (метрика должна двигаться в другую сторону)",
    },
    "initiative_kind_not_contacts": {
        "en": "{file}: target.kind names the kind of contacts; the metric {metric} has none",
        "ru": "{file}: target.kind задаёт вид обращений; у метрики {metric} его нет",
    },
    "initiative_touchpoint_and_rules": {
        "en": "{file}: affected names both customers and a touchpoint; give one of them",
        "ru": "{file}: в affected указаны и клиенты, и точка контакта; оставьте что-то одно",
    },
    "initiative_touchpoint_not_satisfaction": {
        "en": "{file}: a touchpoint measures satisfaction answers; a {type} initiative needs "
        "affected customers (rules)",
        "ru": "{file}: точка контакта измеряет ответы об удовлетворённости; инициативе типа "
        "{type} нужны затронутые клиенты (правила)",
    },
    "initiative_ok": {
        "en": "{file}: initiative {initiative} ({type}) is complete",
        "ru": "{file}: инициатива {initiative} ({type}) заполнена полностью",
    },
    "initiative_customers": {
        "en": "affected customers of the base at the start (buying in the 12 months before): {n:,}",
        "ru": "затронутых клиентов в базе на дату начала (с покупками за 12 месяцев до неё): {n:,}",
    },
    "initiative_type_satisfaction": {"en": "satisfaction", "ru": "удовлетворённость"},
    "initiative_type_cost": {"en": "cost reduction", "ru": "снижение затрат"},
    "initiative_type_conversion": {"en": "conversion", "ru": "конверсия"},
    "initiative_type_enabling": {"en": "enabling", "ru": "фундамент"},
    "initiatives_title": {
        "en": "CX initiatives (difference in differences against the 12 months before the "
        "start, 95% intervals; margin {margin:.0%})",
        "ru": "CX-инициативы (разность разностей к 12 месяцам до начала, 95% интервалы; "
        "маржа {margin:.0%})",
    },
    "initiatives_portfolio": {
        "en": "Portfolio: {n} initiatives, cost {cost}, measured effect {effect}, ROI over "
        "the last 12 months {roi}; too young to judge: {young}",
        "ru": "Портфель: инициатив {n}, затраты {cost}, измеренный эффект {effect}, ROI за "
        "последние 12 месяцев {roi}; слишком молоды для оценки: {young}",
    },
    "initiatives_none": {
        "en": "No initiatives: put initiative files (YAML) in the workspace's {folder}/ folder.",
        "ru": "Инициатив нет: положите файлы инициатив (YAML) в папку {folder}/ рабочей области.",
    },
    "initiative_young": {
        "en": "Initiative {id} is observed for {months} months, fewer than 12: too young to judge.",
        "ru": "Инициатива {id} наблюдается {months} мес., меньше 12: оценивать её рано.",
    },
    "initiative_not_started": {
        "en": "Initiative {id} starts on {start}, after the analysis date: not measured.",
        "ru": "Инициатива {id} начинается {start}, после даты анализа: не измеряется.",
    },
    "initiative_no_data": {
        "en": "Initiative {id}: no {metric} data in one of its four groups (affected or not, "
        "before or after): no effect measured.",
        "ru": "Инициатива {id}: нет данных {metric} в одной из четырёх групп (затронутые или "
        "нет, до или после): эффект не измерен.",
    },
    "col_initiative": {"en": "initiative", "ru": "инициатива"},
    "col_type": {"en": "type", "ru": "тип"},
    "col_months": {"en": "months", "ru": "месяцев"},
    "col_target_change": {"en": "target", "ru": "цель"},
    "col_did": {"en": "effect [95%]", "ru": "эффект [95%]"},
    "col_margin_effect": {"en": "margin [95%]", "ru": "маржа [95%]"},
    "col_cost": {"en": "cost", "ru": "затраты"},
    "col_roi": {"en": "ROI", "ru": "ROI"},
    "col_payback_month": {"en": "payback month", "ru": "месяц окупаемости"},
    "campaign_not_yaml": {
        "en": "{file}: not a readable YAML file ({detail})",
        "ru": "{file}: не удаётся прочитать YAML ({detail})",
    },
    "campaign_not_mapping": {
        "en": "{file}: a campaign file must be a YAML mapping (key: value lines), got {got}",
        "ru": "{file}: файл кампании должен быть YAML-словарём (строки «ключ: значение»), "
        "получено {got}",
    },
    "campaign_unknown_keys": {
        "en": "{file}: unknown key(s) {keys} in {section}; known keys: {known}",
        "ru": "{file}: неизвестные ключи {keys} в {section}; допустимые ключи: {known}",
    },
    "campaign_exists": {
        "en": "A campaign file {file}.yaml is already in the campaigns folder: open it to "
        "change it",
        "ru": "В папке campaigns уже есть файл кампании {file}.yaml: откройте его, чтобы изменить",
    },
    "campaign_id_sent": {
        "en": "The sends table already holds the campaign id {id}: that campaign has been sent "
        "and is not changed; give a new campaign an id of its own",
        "ru": "В таблице отправок уже есть кампания с id {id}: она отправлена, менять её нельзя; "
        "дайте новой кампании свой id",
    },
    "campaign_locked": {
        "en": "The campaign is {state}: it has been sent and can no longer be changed",
        "ru": "Кампания в состоянии {state}: она уже отправлена, менять её нельзя",
    },
    "campaign_bad_transition": {
        "en": "The action {action} is not allowed for a campaign that is {state}",
        "ru": "Действие {action} недоступно для кампании в состоянии {state}",
    },
    "campaign_role_refused": {
        "en": "The role {role} may not {action} a campaign",
        "ru": "Роль {role} не может выполнить действие {action} с кампанией",
    },
    "campaign_own_approval": {
        "en": "{actor} wrote or submitted this campaign: another marketer or admin must approve "
        "or reject it",
        "ru": "{actor} писал(а) или отправлял(а) эту кампанию: одобрить или отклонить её должен "
        "другой маркетолог или администратор",
    },
    "campaign_comment_required": {
        "en": "Say why the campaign is rejected: a comment is required",
        "ru": "Укажите, почему кампания отклонена: комментарий обязателен",
    },
    "campaign_reapproval_needed": {
        "en": "The audience changed since approval: {added} added, {removed} removed ({share} of "
        "the approved audience, above {limit}); the campaign needs a fresh approval",
        "ru": "Аудитория изменилась после одобрения: добавлено {added}, убрано {removed} "
        "({share} одобренной аудитории, больше {limit}); кампанию нужно одобрить заново",
    },
    "campaign_not_exported": {
        "en": "The campaign {file} has not been exported yet: no lists to download",
        "ru": "Кампания {file} ещё не выгружена: скачивать нечего",
    },
    "campaign_missing_field": {
        "en": "{file}: {field} is required",
        "ru": "{file}: не указано обязательное поле {field}",
    },
    "campaign_brief_incomplete": {
        "en": "{file}: the brief is incomplete, missing: {fields}. Every campaign states why, "
        "target, must_not_receive, expected_effect, measure (metric, window_days) and "
        "client_benefit",
        "ru": "{file}: бриф не заполнен, не хватает: {fields}. В каждой кампании указываются "
        "why, target, must_not_receive, expected_effect, measure (metric, window_days) и "
        "client_benefit",
    },
    "campaign_not_text": {
        "en": "{file}: {field} must be text, got {value}",
        "ru": "{file}: {field} должно быть текстом, получено {value}",
    },
    "campaign_too_many_rules": {
        "en": "{file}: {field} has {n:,} rules; a campaign takes at most {limit}",
        "ru": "{file}: в {field} {n:,} правил; в кампании их не больше {limit}",
    },
    "campaign_too_large": {
        "en": "{file}: {size:,} bytes is too large for a campaign file (at most {limit:,})",
        "ru": "{file}: {size:,} байт — слишком большой файл кампании (не больше {limit:,})",
    },
    "campaign_not_list": {
        "en": "{file}: {field} must be a list (one item per line starting with '- '), got {value}",
        "ru": "{file}: {field} должно быть списком (по элементу в строке, начиная с '- '), "
        "получено {value}",
    },
    "campaign_not_mapping_field": {
        "en": "{file}: {field} must be a mapping (key: value lines), got {value}",
        "ru": "{file}: {field} должно быть словарём (строки «ключ: значение»), получено {value}",
    },
    "campaign_not_bool": {
        "en": "{file}: {field} must be true or false, got {value}",
        "ru": "{file}: {field} должно быть true или false, получено {value}",
    },
    "campaign_bad_date": {
        "en": "{file}: {field} '{value}' is not a date; write it as YYYY-MM-DD",
        "ru": "{file}: {field} '{value}' — не дата; запишите в виде ГГГГ-ММ-ДД",
    },
    "campaign_bad_holdout": {
        "en": "{file}: holdout must be a share strictly between 0 and 1 (e.g. 0.2), got {value}",
        "ru": "{file}: holdout должен быть долей строго между 0 и 1 (например, 0.2), "
        "получено {value}",
    },
    "campaign_bad_metric": {
        "en": "{file}: brief.measure.metric must be conversion or revenue, got '{value}'",
        "ru": "{file}: brief.measure.metric должен быть conversion или revenue, получено '{value}'",
    },
    "campaign_bad_window": {
        "en": "{file}: brief.measure.window_days must be a whole number of days greater than 0, "
        "got {value}",
        "ru": "{file}: brief.measure.window_days должно быть целым числом дней больше 0, "
        "получено {value}",
    },
    "campaign_bad_scope": {
        "en": "{file}: brief.measure.scope must be promoted or all, got '{value}'",
        "ru": "{file}: brief.measure.scope должен быть promoted или all, получено '{value}'",
    },
    "campaign_scope_without_promoted": {
        "en": "{file}: brief.measure.scope is promoted but the campaign promotes nothing; "
        "list promoted.skus or promoted.lines, or use scope: all",
        "ru": "{file}: brief.measure.scope = promoted, но кампания ничего не продвигает; "
        "заполните promoted.skus или promoted.lines либо укажите scope: all",
    },
    "campaign_discount_without_promoted": {
        "en": "{file}: discount is true but promoted lists no SKUs or lines; say what is "
        "discounted in promoted.skus or promoted.lines",
        "ru": "{file}: discount: true, но в promoted нет ни SKU, ни товарных линий; укажите, "
        "на что скидка, в promoted.skus или promoted.lines",
    },
    "campaign_offer_one_threshold": {
        "en": "{file}: offer needs exactly one threshold: min_quantity or min_amount",
        "ru": "{file}: в offer нужен ровно один порог: min_quantity или min_amount",
    },
    "campaign_bad_offer": {
        "en": "{file}: offer.{field} must be a number above 0, got {value}",
        "ru": "{file}: offer.{field} должно быть числом больше 0, получено {value}",
    },
    "campaign_offer_quantity_without_promoted": {
        "en": "{file}: offer.min_quantity counts units of the promoted items, but the campaign"
        " promotes nothing; list promoted.skus or promoted.lines, or use min_amount",
        "ru": "{file}: offer.min_quantity считает штуки продвигаемых товаров, но кампания ничего"
        " не продвигает; укажите promoted.skus или promoted.lines либо используйте min_amount",
    },
    # offer relevance (cxray.comms.offer_relevance)
    "offer_relevance_title": {
        "en": "Offer threshold {threshold} against the audience's typical order (12 months)",
        "ru": "Порог предложения {threshold} против типичного заказа аудитории (12 месяцев)",
    },
    "offer_threshold_min_quantity": {"en": "{value} units", "ru": "{value} шт."},
    "offer_threshold_min_amount": {"en": "an order of {value}", "ru": "заказ от {value}"},
    "offer_group_qualify": {
        "en": "already qualify (margin given away)",
        "ru": "уже проходят порог (отданная маржа)",
    },
    "offer_group_within_reach": {
        "en": "within reach (a typical order of at least {reach} of the threshold)",
        "ru": "в пределах досягаемости (типичный заказ не меньше {reach} порога)",
    },
    "offer_group_out_of_reach": {
        "en": "out of reach ({without} without such an order in 12 months)",
        "ru": "порог недостижим ({without} без такого заказа за 12 месяцев)",
    },
    "offer_few_within_reach": {
        "en": "fewer than 10% of the audience are within reach of the threshold: few can use"
        " the offer",
        "ru": "меньше 10% аудитории в пределах досягаемости порога: воспользоваться"
        " предложением смогут немногие",
    },
    "offer_most_qualify": {
        "en": "more than half of the audience already reaches the threshold: the offer gives"
        " margin away on orders they place anyway",
        "ru": "больше половины аудитории уже проходит порог: предложение отдаёт маржу на"
        " заказах, которые и так были бы",
    },
    "campaign_bad_limit": {
        "en": "{file}: limits.{field} must be a whole number >= 0 (0 turns the check off), "
        "got {value}",
        "ru": "{file}: limits.{field} должно быть целым числом >= 0 (0 отключает проверку), "
        "получено {value}",
    },
    "campaign_sets_global_control": {
        "en": "{file}: global_control_share is a workspace setting, not a campaign's: remove it"
        " from the file (the share for every campaign is set with"
        " `cxray settings set global_control_share 0.05`)",
        "ru": "{file}: global_control_share — настройка рабочей области, а не кампании: уберите"
        " её из файла (долю для всех кампаний задаёт"
        " `cxray settings set global_control_share 0.05`)",
    },
    "campaign_rule_in_both": {
        "en": "{file}: rule '{rule}' is both an audience rule and an exclusion, so nobody would "
        "remain; keep it in one place",
        "ru": "{file}: правило '{rule}' одновременно в audience и в exclusions — не останется "
        "никого; оставьте его в одном месте",
    },
    "campaign_rules_contradict": {
        "en": "{file}: audience rules '{first}' and '{second}' contradict each other: "
        "nobody can match both",
        "ru": "{file}: правила аудитории '{first}' и '{second}' противоречат друг другу: "
        "им не может соответствовать никто",
    },
    # --- audience rules -------------------------------------------------------------------
    "rule_not_text": {
        "en": "{where}a rule must be one line of text, got {value}",
        "ru": "{where}правило должно быть строкой текста, получено {value}",
    },
    "rule_empty": {"en": "{where}the rule is empty", "ru": "{where}пустое правило"},
    "rule_bad_char": {
        "en": "{where}rule '{rule}', position {pos}: unexpected character '{near}'",
        "ru": "{where}правило '{rule}', позиция {pos}: неожиданный символ '{near}'",
    },
    "rule_single_eq": {
        "en": "{where}rule '{rule}', position {pos}: '=' is not an operator; compare with '=='",
        "ru": "{where}правило '{rule}', позиция {pos}: '=' — не оператор; для сравнения "
        "пишите '=='",
    },
    "rule_unclosed": {
        "en": "{where}rule '{rule}', position {pos}: the quoted text is not closed",
        "ru": "{where}правило '{rule}', позиция {pos}: не закрыта кавычка",
    },
    "rule_expected_start": {
        "en": "{where}rule '{rule}', position {pos}: expected a field name, a status word "
        "(active, regular, key, reachable) or 'bought', found '{near}'",
        "ru": "{where}правило '{rule}', позиция {pos}: ожидалось имя поля, слово статуса "
        "(active, regular, key, reachable) или 'bought', найдено '{near}'",
    },
    "rule_expected_op": {
        "en": "{where}rule '{rule}', position {pos}: expected an operator "
        "(== != > >= < <= in, not in) after '{field}', found '{near}'",
        "ru": "{where}правило '{rule}', позиция {pos}: после '{field}' ожидался оператор "
        "(== != > >= < <= in, not in), найдено '{near}'",
    },
    "rule_status_alone": {
        "en": "{where}rule '{rule}', position {pos}: '{word}' is a status word and stands alone; "
        "write '{word}' or 'not {word}'",
        "ru": "{where}правило '{rule}', позиция {pos}: '{word}' — слово статуса, оно пишется "
        "без оператора: '{word}' или 'not {word}'",
    },
    "rule_expected_value": {
        "en": "{where}rule '{rule}', position {pos}: expected a value (a number or \"text in "
        "double quotes\"), found '{near}'",
        "ru": "{where}правило '{rule}', позиция {pos}: ожидалось значение (число или "
        "\"текст в двойных кавычках\"), найдено '{near}'",
    },
    "rule_expected_list": {
        "en": "{where}rule '{rule}', position {pos}: expected a list in brackets, "
        'e.g. ["A", "B"], found \'{near}\'',
        "ru": "{where}правило '{rule}', позиция {pos}: ожидался список в квадратных скобках, "
        'например ["A", "B"], найдено \'{near}\'',
    },
    "rule_bought_syntax": {
        "en": "{where}rule '{rule}', position {pos}: expected bought sku \"X\" within N days "
        "or bought line \"Y\" within N days, found '{near}'",
        "ru": "{where}правило '{rule}', позиция {pos}: ожидалось bought sku \"X\" within N days "
        "или bought line \"Y\" within N days, найдено '{near}'",
    },
    "rule_bad_days": {
        "en": "{where}rule '{rule}', position {pos}: the number of days must be a whole number "
        "greater than 0, found '{near}'",
        "ru": "{where}правило '{rule}', позиция {pos}: число дней должно быть целым и больше 0, "
        "найдено '{near}'",
    },
    "rule_trailing": {
        "en": "{where}rule '{rule}', position {pos}: unexpected '{near}' after the end of the rule "
        "(one condition per rule; put each condition on its own line)",
        "ru": "{where}правило '{rule}', позиция {pos}: лишнее '{near}' после конца правила "
        "(одно условие на правило; каждое условие — отдельной строкой)",
    },
    "rule_unknown_field": {
        "en": "{where}rule '{rule}': unknown field '{field}'; known fields: {known}",
        "ru": "{where}правило '{rule}': неизвестное поле '{field}'; известные поля: {known}",
    },
    "rule_needs_clv": {
        "en": "{where}rule '{rule}': {field} needs CLV results; fit CLV first (cxray clv) and "
        "pass them to the plan",
        "ru": "{where}правило '{rule}': для {field} нужны результаты CLV; сначала рассчитайте "
        "CLV (cxray clv) и передайте их в план",
    },
    "rule_type_text": {
        "en": "{where}rule '{rule}': {field} holds text; compare it with text in double quotes, "
        'e.g. {field} == "..." (got {value})',
        "ru": "{where}правило '{rule}': {field} — текстовое поле; сравнивайте его с текстом "
        'в двойных кавычках, например {field} == "..." (получено {value})',
    },
    "rule_type_number": {
        "en": "{where}rule '{rule}': {field} is a number; compare it with a number, "
        "e.g. {field} > 100 (got {value})",
        "ru": "{where}правило '{rule}': {field} — число; сравнивайте его с числом, "
        "например {field} > 100 (получено {value})",
    },
    "rule_type_date": {
        "en": "{where}rule '{rule}': {field} is a date; compare it with \"YYYY-MM-DD\" "
        "(got {value})",
        "ru": "{where}правило '{rule}': {field} — дата; сравнивайте её с \"ГГГГ-ММ-ДД\" "
        "(получено {value})",
    },
    "rule_type_bool": {
        "en": "{where}rule '{rule}': {field} is yes/no; write '{field}' or 'not {field}'",
        "ru": "{where}правило '{rule}': {field} — признак да/нет; пишите '{field}' "
        "или 'not {field}'",
    },
    # --- campaign plan --------------------------------------------------------------------
    "plan_title": {
        "en": "Campaign {campaign} on {channel}, as of {as_of}: {final} of {candidates} "
        "customers remain ({target} target, {control} control)",
        "ru": "Кампания {campaign}, канал {channel}, на {as_of}: остаётся {final} из "
        "{candidates} клиентов ({target} в целевой группе, {control} в контрольной)",
    },
    "plan_candidates": {"en": "all known customers", "ru": "все известные клиенты"},
    "step_audience": {"en": "audience: {rule}", "ru": "аудитория: {rule}"},
    "step_exclusion": {"en": "exclusion: {rule}", "ru": "исключение: {rule}"},
    "step_no_opt_in": {
        "en": "no opt-in on {channel} (latest consent is not opt_in)",
        "ru": "нет согласия на {channel} (последняя запись согласия — не opt_in)",
    },
    "step_promised_frequency": {
        "en": "this send would exceed the frequency promised on {channel}",
        "ru": "отправка превысит обещанную частоту по {channel}",
    },
    "step_unreadable_promise": {
        "en": "the frequency promised on {channel} cannot be read",
        "ru": "обещанную частоту по {channel} не удалось прочитать",
    },
    "step_global_cap": {
        "en": "global cap: {sends} sends in {days} days reached",
        "ru": "общий лимит: уже {sends} отправок за {days} дн.",
    },
    "step_recent_optout": {
        "en": "unsubscribed or complained within {days} days",
        "ru": "отписался или пожаловался за последние {days} дн.",
    },
    "step_dormant": {
        "en": "dormant: the last {k} sends on {channel} were not opened",
        "ru": "спящие: последние {k} отправок по {channel} не открыты",
    },
    "step_global_control": {
        "en": "global control group ({share:.1%} of all customers)",
        "ru": "глобальная контрольная группа ({share:.1%} всех клиентов)",
    },
    "step_full_price": {
        "en": "bought a promoted item at full price within {days} days",
        "ru": "купил продвигаемый товар по полной цене за последние {days} дн.",
    },
    "step_off": {"en": "{label} (check off)", "ru": "{label} (проверка отключена)"},
    "note_unparsed_promise": {
        "en": "promised frequency '{value}' in consents on {channel} is not understood "
        "(write e.g. 2/month, 1/week, twice a month, ежемесячно): its customers get nothing",
        "ru": "обещанная частота '{value}' в согласиях по {channel} не распознана "
        "(пишите, например, 2/month, 1/week, 2 раза в месяц, ежемесячно): этим клиентам "
        "ничего не отправляется",
    },
    "note_dormant_skipped": {
        "en": "dormant check skipped: no send on {channel} records an open or a click",
        "ru": "проверка спящих пропущена: ни одна отправка по {channel} не содержит "
        "открытий или кликов",
    },
    "note_no_address": {
        "en": "{n} target customers have no {column} for {channel}; they are listed with an "
        "empty address",
        "ru": "у {n} клиентов целевой группы нет {column} для {channel}; они в списке "
        "с пустым адресом",
    },
    "balance_imbalanced": {
        "en": "target and control differ on {metric} (standardized mean difference {smd:+.2f})",
        "ru": "целевая и контрольная группы различаются по {metric} "
        "(стандартизованная разность средних {smd:+.2f})",
    },
    "campaign_ok": {
        "en": "{file}: campaign {campaign} is complete and consistent",
        "ru": "{file}: кампания {campaign} заполнена полностью и непротиворечива",
    },
    "campaign_needs_clv": {
        "en": "rule '{rule}' needs CLV: plan fits the CLV models first",
        "ru": "правилу '{rule}' нужен CLV: plan сначала построит модели CLV",
    },
    "col_step": {"en": "step", "ru": "шаг"},
    "col_before": {"en": "before", "ru": "до"},
    "col_removed": {"en": "removed", "ru": "исключено"},
    "col_after": {"en": "after", "ru": "после"},
    "waterfall_title": {"en": "Audience waterfall", "ru": "Каскад аудитории"},
    "balance_title": {
        "en": "Balance of target and control (prior 365 days)",
        "ru": "Баланс целевой и контрольной групп (за 365 дней до)",
    },
    "export_done": {
        "en": "target: {target_rows} rows -> {target}; control: {control_rows} rows -> {control}",
        "ru": "целевая: {target_rows} строк -> {target}; контрольная: {control_rows} строк -> "
        "{control}",
    },
    "export_missing_address": {
        "en": "{n} target customers have no address for the channel (written with an empty "
        "address)",
        "ru": "у {n} клиентов целевой группы нет адреса для канала (записаны с пустым адресом)",
    },
    "measure_title": {
        "en": "Campaign {campaign}: {metric} ({scope} purchases) from {start} to {end} "
        "({days} days)",
        "ru": "Кампания {campaign}: {metric} (покупки: {scope}) с {start} по {end} ({days} дн.)",
    },
    "col_group": {"en": "group", "ru": "группа"},
    "group_target": {"en": "target", "ru": "целевая"},
    "group_control": {"en": "control", "ru": "контрольная"},
    "col_converters": {"en": "bought", "ru": "купили"},
    "col_conversion": {"en": "conversion", "ru": "конверсия"},
    "col_revenue_per_customer": {"en": "revenue per customer", "ru": "выручка на клиента"},
    "col_metric": {"en": "metric", "ru": "метрика"},
    "col_task": {"en": "task", "ru": "задача"},
    "col_score": {"en": "score", "ru": "оценка"},
    "col_owner": {"en": "owner", "ru": "ответственный"},
    "col_due": {"en": "due", "ru": "срок"},
    "metric_conversion": {"en": "conversion", "ru": "конверсия"},
    "metric_revenue": {"en": "revenue per customer", "ru": "выручка на клиента"},
    "col_uplift": {"en": "uplift", "ru": "прирост"},
    "col_relative": {"en": "relative", "ru": "относительный"},
    "uplift_title": {
        "en": "Uplift of target over control (95% intervals; MDE at 80% power)",
        "ru": "Прирост целевой группы над контрольной (95% интервалы; минимальный обнаружимый "
        "эффект при мощности 80%)",
    },
    "incremental_revenue": {
        "en": "Incremental revenue: {value} (95% CI {low} to {high})",
        "ru": "Дополнительная выручка: {value} (95% ДИ от {low} до {high})",
    },
    "verdict_line": {"en": "Verdict: {verdict}", "ru": "Вывод: {verdict}"},
    # cxray campaign history / portfolio
    "col_comment": {"en": "comment", "ru": "комментарий"},
    "campaign_history_diff": {"en": "Saved {at} by {actor}:", "ru": "Сохранено {at}, {actor}:"},
    "portfolio_title": {"en": "Measured campaigns together", "ru": "Измеренные кампании вместе"},
    "col_figure": {"en": "figure", "ru": "показатель"},
    "col_figure_value": {"en": "value", "ru": "значение"},
    "portfolio_measured": {"en": "measured campaigns", "ru": "измеренных кампаний"},
    "portfolio_incremental": {"en": "incremental revenue", "ru": "дополнительная выручка"},
    "portfolio_interval": {"en": "its 95% interval", "ru": "её 95% интервал"},
    "portfolio_interval_value": {
        "en": "{low:,.2f} to {high:,.2f}",
        "ru": "от {low:,.2f} до {high:,.2f}",
    },
    "portfolio_attributed": {
        "en": "revenue claimed by attribution",
        "ru": "выручка по атрибуции",
    },
    "portfolio_sales": {"en": "all sales over the windows", "ru": "все продажи за окна"},
    "portfolio_incremental_share": {
        "en": "incremental share of sales",
        "ru": "доля дополнительной выручки в продажах",
    },
    "portfolio_attributed_share": {
        "en": "attributed share of sales",
        "ru": "доля выручки по атрибуции в продажах",
    },
    "portfolio_share_value": {"en": "{value:.1%}", "ru": "{value:.1%}"},
    "portfolio_included": {"en": "in the sums", "ru": "в суммах"},
    "portfolio_included_yes": {"en": "yes", "ru": "да"},
    "portfolio_included_no": {
        "en": "no: a group of one customer",
        "ru": "нет: в группе один клиент",
    },
    # what a measured campaign did, in one sentence (cxray.phrases.measurement_sentence)
    "say_effect_conversion": {
        "en": "{t} of the {n_t} customers who got “{title}” bought within {days} days, against "
        "{c} of the {n_c} held out: the campaign added {diff} (between {low} and {high}, 95% "
        "confidence).",
        "ru": "Из {n_t} клиентов, получивших «{title}», за {days} дн. купили {t}, из {n_c} "
        "клиентов контрольной группы — {c}: кампания добавила {diff} (от {low} до {high} с "
        "доверием 95%).",
    },
    "say_effect_revenue": {
        "en": "The {n_t} customers who got “{title}” spent {t} each within {days} days, against "
        "{c} for the {n_c} held out: the campaign added {diff} per customer (between {low} and "
        "{high}, 95% confidence).",
        "ru": "{n_t} клиентов, получивших «{title}», потратили за {days} дн. по {t}, клиенты "
        "контрольной группы ({n_c}) — по {c}: кампания добавила {diff} на клиента (от {low} до "
        "{high} с доверием 95%).",
    },
    "say_no_effect_detected_conversion": {
        "en": "Customers who got “{title}” bought about as often as the {n_c} held out ({t} "
        "against {c} within {days} days). The test would have seen an effect of {mde} or more, "
        "so any effect was smaller than that.",
        "ru": "Клиенты, получившие «{title}», покупали примерно так же часто, как {n_c} клиентов "
        "контрольной группы ({t} против {c} за {days} дн.). Тест заметил бы эффект от {mde}, "
        "значит, если эффект и был, то меньше.",
    },
    "say_no_effect_detected_revenue": {
        "en": "Customers who got “{title}” spent about as much as the {n_c} held out ({t} "
        "against {c} each within {days} days). The test would have seen {mde} more per "
        "customer, so any effect was smaller than that.",
        "ru": "Клиенты, получившие «{title}», потратили примерно столько же, сколько {n_c} "
        "клиентов контрольной группы ({t} против {c} за {days} дн.). Тест заметил бы прибавку "
        "от {mde} на клиента, значит, если эффект и был, то меньше.",
    },
    "say_negative_conversion": {
        "en": "Customers who got “{title}” bought less often than those held out ({t} against "
        "{c} within {days} days; {diff}, between {low} and {high}): the campaign did harm.",
        "ru": "Клиенты, получившие «{title}», покупали реже контрольной группы ({t} против {c} "
        "за {days} дн.; {diff}, от {low} до {high}): кампания навредила.",
    },
    "say_negative_revenue": {
        "en": "Customers who got “{title}” spent less than those held out ({t} against {c} "
        "each within {days} days; {diff}, between {low} and {high}): the campaign did harm.",
        "ru": "Клиенты, получившие «{title}», потратили меньше контрольной группы ({t} против "
        "{c} за {days} дн.; {diff}, от {low} до {high}): кампания навредила.",
    },
    "say_inconclusive_conversion": {
        "en": "Too few customers were held out ({n_c}) to tell whether “{title}” worked: only "
        "an effect of {mde} or more could have been seen.",
        "ru": "В контрольной группе слишком мало клиентов ({n_c}), чтобы понять, сработала ли "
        "«{title}»: заметен был бы только эффект от {mde}.",
    },
    "say_inconclusive_revenue": {
        "en": "Too few customers were held out ({n_c}) to tell whether “{title}” worked: only "
        "{mde} or more per customer could have been seen.",
        "ru": "В контрольной группе слишком мало клиентов ({n_c}), чтобы понять, сработала ли "
        "«{title}»: заметна была бы только прибавка от {mde} на клиента.",
    },
    "say_revenue_added": {
        "en": "In revenue: {inc} (between {low} and {high}).",
        "ru": "В выручке: {inc} (от {low} до {high}).",
    },
    "say_portfolio": {
        "en": "Measured against their control groups, the {n} campaigns changed revenue by "
        "{inc} (between {low} and {high}, 95% confidence): {inc_share} of sales over their "
        "windows. Their own attribution, counting every purchase of the customers who got "
        "them, claims {claimed}: {claimed_share} of sales.",
        "ru": "По сравнению с контрольными группами {n} кампаний изменили выручку на {inc} "
        "(от {low} до {high} с доверием 95%): {inc_share} продаж за их периоды. Их "
        "собственная атрибуция, которая засчитывает все покупки получивших рассылку, "
        "заявляет {claimed}: {claimed_share} продаж.",
    },
    "say_portfolio_impossible": {
        "en": "More than all sales: the attribution counts the same purchases several times.",
        "ru": "Это больше всех продаж: атрибуция засчитывает одни и те же покупки несколько раз.",
    },
    "say_portfolio_none": {
        "en": "No campaign has been measured yet: a campaign is measured once it has been "
        "exported and its measurement window has ended.",
        "ru": "Ещё ни одна кампания не измерена: кампания измеряется после выгрузки, когда "
        "закончится её окно измерения.",
    },
    "verdict_effect": {
        "en": "the campaign had an effect (the interval excludes zero)",
        "ru": "кампания дала эффект (интервал не включает ноль)",
    },
    "verdict_no_effect_detected": {
        "en": "no effect detected: the difference could be chance",
        "ru": "эффект не обнаружен: разница может быть случайной",
    },
    "verdict_negative": {
        "en": "the campaign did harm: target bought less than control",
        "ru": "кампания навредила: целевая группа купила меньше контрольной",
    },
    "verdict_inconclusive": {
        "en": "inconclusive: the control group is too small to tell",
        "ru": "нельзя сделать вывод: контрольная группа слишком мала",
    },
    "warn_control_too_small_size": {
        "en": "the control group has {control_n} customers, fewer than {min_control}: too small "
        "to conclude",
        "ru": "в контрольной группе {control_n} клиентов, меньше {min_control}: слишком мало для "
        "вывода",
    },
    "warn_control_too_small_power": {
        "en": "the groups are too small for this metric: the smallest detectable relative effect "
        "is above {max_relative_mde:.0%}",
        "ru": "группы слишком малы для этой метрики: минимальный обнаружимый относительный "
        "эффект больше {max_relative_mde:.0%}",
    },
    "warn_window_open": {
        "en": "the measurement window ends on {end}: only {days_observed} of {window_days} days "
        "observed",
        "ru": "окно измерения заканчивается {end}: прошло только {days_observed} из "
        "{window_days} дней",
    },
    "warn_attributed_exceeds_total": {
        "en": "revenue attributed to the campaign ({incremental_revenue:,.0f}) exceeds the total "
        "revenue of its target customers ({target_total_revenue:,.0f}): the claim is impossible",
        "ru": "выручка, приписанная кампании ({incremental_revenue:,.0f}), больше всей выручки "
        "её целевых клиентов ({target_total_revenue:,.0f}): так не бывает",
    },
    "warn_mixed_groups": {
        "en": "{customers} customers are recorded in both groups (counted as target)",
        "ru": "{customers} клиентов записаны в обе группы (учтены как целевые)",
    },
    "sec_comms": {"en": "Communications", "ru": "Коммуникации"},
    "read_comms": {
        "en": "Campaigns that start after the report date are planned (who would get them and "
        "who is excluded, step by step); the others are measured against their control group.",
        "ru": "Кампании, начинающиеся после даты отчёта, спланированы (кто получит и кто "
        "исключён, по шагам); прошедшие измерены против контрольной группы.",
    },
    "no_campaigns": {
        "en": "No campaign files: put them in the workspace's campaigns/ folder or pass "
        "--campaigns DIR.",
        "ru": "Нет файлов кампаний: положите их в папку campaigns/ рабочей области или укажите "
        "--campaigns DIR.",
    },
    "campaign_why": {"en": "Why: {why}", "ru": "Зачем: {why}"},
    "campaign_planned": {"en": "{campaign}: plan", "ru": "{campaign}: план"},
    "campaign_measured": {"en": "{campaign}: measured", "ru": "{campaign}: измерение"},
    "waterfall_candidates": {"en": "all known customers", "ru": "все известные клиенты"},
    "plan_split": {
        "en": "Final audience: {target} to receive it, {control} held out as control.",
        "ru": "Итоговая аудитория: {target} получат, {control} — в контрольной группе.",
    },
    "measure_groups": {
        "en": "{target} customers in target, {control} in control; purchases from {start} to "
        "{end}.",
        "ru": "Целевая группа {target}, контрольная {control}; покупки с {start} по {end}.",
    },
    "health_counts": {
        "en": "Contacts as of {as_of}: {healthy} healthy, {at_risk} at risk, {dormant} dormant, "
        "{unsubscribed} unsubscribed",
        "ru": "Контакты на {as_of}: в порядке {healthy}, в зоне риска {at_risk}, спящие "
        "{dormant}, отписались {unsubscribed}",
    },
    "health_dormant": {
        "en": "Dormant: the last sends were not opened",
        "ru": "Спящие: последние письма не открыты",
    },
    "health_at_risk": {
        "en": "At risk: low attention score",
        "ru": "В зоне риска: низкий балл внимания",
    },
    # --- follow-ups (closed loop) ---------------------------------------------------------
    "followup_unknown": {
        "en": "no follow-up task '{task_id}'",
        "ru": "задача обратной связи '{task_id}' не найдена",
    },
    "followup_already_closed": {
        "en": "follow-up task '{task_id}' is already closed",
        "ru": "задача обратной связи '{task_id}' уже закрыта",
    },
    "followup_closed_before_created": {
        "en": "follow-up task '{task_id}' cannot be closed on {closed_at}, "
        "before it was opened ({created_at})",
        "ru": "задачу обратной связи '{task_id}' нельзя закрыть {closed_at}, "
        "раньше её открытия ({created_at})",
    },
    "col_answers": {"en": "answers", "ru": "ответов"},
    "col_value": {"en": "score", "ru": "значение"},
    "col_small": {"en": "note", "ru": "примечание"},
    "small_group": {"en": "too few to read", "ru": "слишком мало"},
    "scores_title": {"en": "Feedback scores as of {as_of}", "ru": "Оценки клиентов на {as_of}"},
    "scores_legend": {
        "en": "NPS = % promoters (9-10) - % detractors (0-6); * answers given for a reward, "
        "shown apart and left out of the other rows.",
        "ru": "NPS = % промоутеров (9-10) - % критиков (0-6); * ответы за вознаграждение, "
        "показаны отдельно и не входят в остальные строки.",
    },
    "invalid_answers": {
        "en": "{n} answers with impossible scores left out (see --json: invalid)",
        "ru": "{n} ответов с невозможными оценками не учтены (см. --json: invalid)",
    },
    "unknown_answer_customers": {
        "en": "{n} answering customers are not in customers or orders (see --json)",
        "ru": "{n} ответивших клиентов нет ни в клиентах, ни в заказах (см. --json)",
    },
    "saydo_title": {
        "en": "Say vs do: per customer, {months} months before and after the NPS answer "
        "(answers up to {until})",
        "ru": "Слова и дела: на клиента, {months} мес. до и после ответа NPS (ответы по {until})",
    },
    "saydo_flags": {
        "en": "Promoters who stopped buying, detractors who keep growing",
        "ru": "Промоутеры, переставшие покупать, и критики, которые растут",
    },
    "saydo_segments": {
        "en": "NPS of key and regular customers against the rest",
        "ru": "NPS ключевых и регулярных клиентов против остальных",
    },
    "col_theme": {"en": "theme", "ru": "тема"},
    "col_comments": {"en": "comments", "ru": "комментариев"},
    "col_share": {"en": "share", "ru": "доля"},
    "col_example": {"en": "example", "ru": "пример"},
    "themes_title": {"en": "Themes: {group}", "ru": "Темы: {group}"},
    "group_promoter": {"en": "promoters", "ru": "промоутеры"},
    "group_passive": {"en": "passives", "ru": "нейтралы"},
    "group_detractor": {"en": "detractors", "ru": "критики"},
    "followups_summary": {
        "en": "{new} new tasks; {total} in all: {open} open ({overdue} overdue), {closed} closed",
        "ru": "новых задач: {new}; всего {total}: открыто {open} (просрочено {overdue}), "
        "закрыто {closed}",
    },
    "followups_title": {
        "en": "Follow-up tasks as of {as_of}",
        "ru": "Задачи обратной связи на {as_of}",
    },
    "followup_closed": {"en": "{task} closed on {date}", "ru": "{task} закрыта {date}"},
    "followup_reassigned": {
        "en": "{task} now belongs to {owner}",
        "ru": "{task} передана: {owner}",
    },
    "customer_unknown": {
        "en": "no customer '{customer_id}' in any table",
        "ru": "клиента '{customer_id}' нет ни в одной таблице",
    },
    # --- users, API tokens and the audit log (cxray users / tokens / audit) ---------------
    "bad_login": {
        "en": "login '{login}' is not allowed: 1 to 64 characters, letters a-z, digits and . _ @ -",
        "ru": "логин '{login}' не подходит: от 1 до 64 символов, буквы a-z, цифры и . _ @ -",
    },
    "bad_role": {
        "en": "unknown role '{role}'; roles: {known}",
        "ru": "неизвестная роль '{role}'; роли: {known}",
    },
    "password_too_short": {
        "en": "the password is too short: at least {n} characters",
        "ru": "пароль слишком короткий: нужно не меньше {n} символов",
    },
    "password_mismatch": {
        "en": "the two passwords differ; nothing was changed",
        "ru": "два введённых пароля не совпадают; ничего не изменено",
    },
    "user_exists": {
        "en": "user '{login}' already exists",
        "ru": "пользователь '{login}' уже есть",
    },
    "user_unknown": {
        "en": "no user '{login}' (`cxray users list` shows them)",
        "ru": "нет пользователя '{login}' (список: `cxray users list`)",
    },
    "user_already_disabled": {
        "en": "user '{login}' is disabled",
        "ru": "пользователь '{login}' отключён",
    },
    "token_unknown": {
        "en": "no API token '{token_id}' (`cxray tokens list` shows them)",
        "ru": "нет API-токена '{token_id}' (список: `cxray tokens list`)",
    },
    "token_already_revoked": {
        "en": "API token '{token_id}' is already revoked",
        "ru": "API-токен '{token_id}' уже отозван",
    },
    "password_prompt": {"en": "Password for {login}", "ru": "Пароль для {login}"},
    "password_repeat": {"en": "Repeat the password", "ru": "Повторите пароль"},
    "user_added": {
        "en": "user {login} added with the role {role}",
        "ru": "пользователь {login} добавлен с ролью {role}",
    },
    "user_disabled": {"en": "user {login} disabled", "ru": "пользователь {login} отключён"},
    "user_enabled": {"en": "user {login} enabled", "ru": "пользователь {login} снова включён"},
    "user_role_changed": {
        "en": "user {login} now has the role {role}",
        "ru": "у пользователя {login} теперь роль {role}",
    },
    "user_not_disabled": {
        "en": "user '{login}' is not disabled",
        "ru": "пользователь '{login}' не отключён",
    },
    "password_changed": {
        "en": "password of {login} changed",
        "ru": "пароль пользователя {login} изменён",
    },
    "token_created": {
        "en": "API token {token_id} for {login}:\n{token}\nCopy it now: it will not be shown "
        "again (only its hash is kept).",
        "ru": "API-токен {token_id} для {login}:\n{token}\nСкопируйте его сейчас: он больше не "
        "будет показан (хранится только его хеш).",
    },
    "token_revoked": {"en": "API token {token_id} revoked", "ru": "API-токен {token_id} отозван"},
    "users_title": {"en": "Users", "ru": "Пользователи"},
    "users_none": {
        "en": "no users yet: add one with `cxray users add LOGIN --role admin`",
        "ru": "пользователей пока нет: добавьте `cxray users add LOGIN --role admin`",
    },
    "tokens_title": {"en": "API tokens", "ru": "API-токены"},
    "tokens_none": {"en": "no API tokens", "ru": "API-токенов нет"},
    "audit_title": {
        "en": "Audit log, newest first ({shown} of {total})",
        "ru": "Журнал аудита, сначала новые ({shown} из {total})",
    },
    "audit_none": {"en": "the audit log is empty", "ru": "журнал аудита пуст"},
    "not_key": {"en": "not key", "ru": "не ключевые"},
    "not_regular": {"en": "not regular", "ru": "не регулярные"},
    "sec_voice": {"en": "Voice of the customer", "ru": "Голос клиента"},
    "read_voice": {
        "en": "What clients say (NPS, CSI, CES with 95% intervals), whether it matches what they "
        "then do, what they write about, and whether every unhappy answer got a follow-up.",
        "ru": "Что говорят клиенты (NPS, CSI, CES с 95% интервалами), совпадает ли это с тем, "
        "что они потом делают, о чём пишут и получил ли ответ каждый недовольный.",
    },
    "nps_by_month": {"en": "NPS by month", "ru": "NPS по месяцам"},
    "saydo_heading": {
        "en": "Say vs do: 6 months before and after the answer, per customer",
        "ru": "Слова и дела: 6 месяцев до и после ответа, на клиента",
    },
    "col_revenue_before": {"en": "revenue before", "ru": "выручка до"},
    "col_revenue_after": {"en": "revenue after", "ru": "выручка после"},
    "col_retention_after": {"en": "still buying", "ru": "продолжают покупать"},
    "col_retention_change": {"en": "change", "ru": "изменение"},
    "saydo_flags_line": {
        "en": "{promoter_stopped} promoters stopped buying; {detractor_growing} detractors keep "
        "growing (cxray feedback saydo lists them).",
        "ru": "Промоутеров, переставших покупать: {promoter_stopped}; растущих критиков: "
        "{detractor_growing} (список: cxray feedback saydo).",
    },
    "themes_heading": {
        "en": "What they write about (lemmatized words and phrases)",
        "ru": "О чём пишут (слова и фразы в начальной форме)",
    },
    "followups_heading": {"en": "Closed loop", "ru": "Замкнутый цикл"},
    "followups_report": {
        "en": "{total} follow-up tasks: {open} open ({overdue} overdue), {closed} closed; median "
        "{median} days to close; {on_time} closed on time. Overdue tasks:",
        "ru": "Задач обратной связи {total}: открыто {open} (просрочено {overdue}), закрыто "
        "{closed}; медиана {median} дн. до закрытия; вовремя закрыто {on_time}. Просроченные:",
    },
    "followups_not_tracked": {
        "en": "Follow-ups are not tracked yet: run `cxray followups list` to open the tasks.",
        "ru": "Задачи обратной связи ещё не заведены: запустите `cxray followups list`.",
    },
    # --- web workspace (cxray serve) --------------------------------------------------------
    "web_nav_overview": {"en": "Overview", "ru": "Обзор"},
    "web_nav_structure": {"en": "Client base", "ru": "Клиентская база"},
    "web_nav_products": {"en": "Products", "ru": "Продукты"},
    "web_nav_whitespace": {"en": "White space", "ru": "Незанятые ниши"},
    "web_nav_rfm": {"en": "RFM", "ru": "RFM"},
    "web_nav_cohorts": {"en": "Cohorts", "ru": "Когорты"},
    "web_nav_activation": {"en": "Activation budget", "ru": "Бюджет активации"},
    "web_nav_loyalty": {"en": "Loyalty programme", "ru": "Программа лояльности"},
    "web_nav_leads": {"en": "Leads and CAC", "ru": "Лиды и CAC"},
    "web_nav_initiatives": {"en": "CX initiatives", "ru": "CX-инициативы"},
    "web_nav_clv": {"en": "Customer value (CLV)", "ru": "Ценность клиента (CLV)"},
    "web_nav_alerts": {"en": "Alerts", "ru": "Сигналы"},
    "web_nav_feedback": {"en": "Voice of the customer", "ru": "Голос клиента"},
    "web_nav_followups": {"en": "Follow-ups", "ru": "Обратная связь: задачи"},
    "web_nav_imports": {"en": "Imports", "ru": "Загрузка данных"},
    "web_nav_audit": {"en": "Audit log", "ru": "Журнал действий"},
    "web_nav_campaigns": {"en": "Campaigns", "ru": "Кампании"},
    "web_nav_campaign_results": {"en": "Campaign results", "ru": "Результаты кампаний"},
    # --- the campaign studio's pages ---
    "web_campaign_new": {"en": "New campaign", "ru": "Новая кампания"},
    "web_campaigns_lead": {
        "en": "Each campaign is a file in the workspace's campaigns folder. A brief is written, "
        "submitted, approved by a second marketer, exported, and measured once its window ends.",
        "ru": "Каждая кампания — файл в папке campaigns рабочей области. Бриф пишут, отправляют "
        "на согласование, его одобряет второй маркетолог, затем выгрузка и измерение после "
        "окончания окна.",
    },
    "web_campaigns_none": {
        "en": "No campaign yet: write the first brief, or put campaign files (YAML) into the "
        "workspace's campaigns folder.",
        "ru": "Кампаний пока нет: напишите первый бриф или положите файлы кампаний (YAML) в "
        "папку campaigns рабочей области.",
    },
    "web_campaign_broken": {"en": "the file fails its check", "ru": "файл не проходит проверку"},
    "web_col_campaign": {"en": "Campaign", "ru": "Кампания"},
    "web_col_state": {"en": "State", "ru": "Состояние"},
    "web_col_channel": {"en": "Channel", "ru": "Канал"},
    "web_col_start": {"en": "Start", "ru": "Старт"},
    "web_col_audience": {"en": "Audience", "ru": "Аудитория"},
    "web_col_verdict": {"en": "Verdict", "ru": "Вывод"},
    "web_col_updated": {"en": "Last change", "ru": "Последнее изменение"},
    "web_col_when": {"en": "When (UTC)", "ru": "Когда (UTC)"},
    "web_col_who": {"en": "Who", "ru": "Кто"},
    "web_col_action": {"en": "Action", "ru": "Действие"},
    "web_col_what": {"en": "What", "ru": "Что"},
    "web_col_incremental": {"en": "Incremental revenue [95%]", "ru": "Доп. выручка [95%]"},
    "web_col_claimed": {"en": "Claimed by attribution", "ru": "По атрибуции"},
    "web_state_draft": {"en": "draft", "ru": "черновик"},
    "web_state_submitted": {"en": "awaiting approval", "ru": "на согласовании"},
    "web_state_approved": {"en": "approved", "ru": "одобрена"},
    "web_state_exported": {"en": "exported", "ru": "выгружена"},
    "web_state_measured": {"en": "measured", "ru": "измерена"},
    "web_state_rejected": {"en": "rejected", "ru": "отклонена"},
    "web_action_save": {"en": "saved", "ru": "сохранена"},
    "web_action_submit": {"en": "submitted for approval", "ru": "отправлена на согласование"},
    "web_action_approve": {"en": "approved", "ru": "одобрена"},
    "web_action_reject": {"en": "rejected", "ru": "отклонена"},
    "web_action_export": {"en": "exported", "ru": "выгружена"},
    "web_action_audience_changed": {
        "en": "audience changed: back to approval",
        "ru": "аудитория изменилась: снова на согласование",
    },
    "web_brief": {"en": "The brief", "ru": "Бриф"},
    "web_brief_why": {"en": "Why this campaign?", "ru": "Зачем эта кампания?"},
    "web_brief_target": {"en": "To whom (in words)?", "ru": "Кому (словами)?"},
    "web_brief_must_not_receive": {
        "en": "Who must NOT get it?",
        "ru": "Кто НЕ должен её получить?",
    },
    "web_brief_expected_effect": {
        "en": "What effect is expected, plus and minus?",
        "ru": "Какой эффект ожидается, плюсы и минусы?",
    },
    "web_brief_client_benefit": {
        "en": "Does the client need it: what does the client get?",
        "ru": "Нужно ли это клиенту: что он получает?",
    },
    "web_measure_metric": {"en": "Measured by", "ru": "Как измеряем"},
    "web_metric_conversion": {
        "en": "conversion (share who buy)",
        "ru": "конверсия (доля купивших)",
    },
    "web_metric_revenue": {"en": "revenue per customer", "ru": "выручка на клиента"},
    "web_measure_window": {"en": "Window, days", "ru": "Окно, дней"},
    "web_measure_scope": {"en": "Purchases counted", "ru": "Какие покупки"},
    "web_scope_all": {"en": "any purchase", "ru": "любые"},
    "web_scope_promoted": {"en": "promoted items only", "ru": "только продвигаемые"},
    "web_sending": {"en": "What is sent, and when", "ru": "Что и когда отправляем"},
    "web_campaign_id": {
        "en": "Campaign id (as in the sends)",
        "ru": "Код кампании (как в отправках)",
    },
    "web_campaign_name": {"en": "Name", "ru": "Название"},
    "web_campaign_channel": {"en": "Channel", "ru": "Канал"},
    "web_campaign_start": {"en": "Send date", "ru": "Дата отправки"},
    "web_promoted_lines": {
        "en": "Promoted product lines (one per line)",
        "ru": "Продвигаемые товарные линии (по одной в строке)",
    },
    "web_promoted_skus": {
        "en": "Promoted SKUs (one per line)",
        "ru": "Продвигаемые артикулы (по одному в строке)",
    },
    "web_discount": {
        "en": "A discount: recent full-price buyers of the promoted items are left out",
        "ru": "Скидка: недавно купившие продвигаемое по полной цене исключаются",
    },
    "web_audience": {"en": "Who gets it", "ru": "Кто получит"},
    "web_audience_rules": {
        "en": "Audience rules, one per line (a customer must match all)",
        "ru": "Правила аудитории, по одному в строке (клиент должен подходить под все)",
    },
    "web_exclusion_rules": {
        "en": "Exclusions, one per line (a customer matching any is left out)",
        "ru": "Исключения, по одному в строке (подходящий под любое исключается)",
    },
    "web_holdout": {"en": "Control share (0 to 1)", "ru": "Доля контрольной группы (от 0 до 1)"},
    "web_limits": {"en": "Promises and limits", "ru": "Обещания и ограничения"},
    "web_cap_sends": {"en": "At most sends…", "ru": "Не больше отправок…"},
    "web_cap_days": {"en": "…in days", "ru": "…за дней"},
    "web_recent_optout_days": {
        "en": "Skip who unsubscribed within, days",
        "ru": "Не писать отписавшимся за, дней",
    },
    "web_dormant_after": {
        "en": "Dormant after unopened sends",
        "ru": "Спящий после неоткрытых писем",
    },
    "web_full_price_days": {
        "en": "Skip full-price buyers within, days",
        "ru": "Не давать скидку купившим по полной цене за, дней",
    },
    "web_save": {"en": "Save", "ru": "Сохранить"},
    "web_locked": {
        "en": "This campaign cannot be changed here: it has been sent, or your role does not "
        "write campaigns.",
        "ru": "Эту кампанию здесь изменить нельзя: она уже отправлена или ваша роль не "
        "позволяет писать кампании.",
    },
    "web_check_title": {"en": "Check and audience", "ru": "Проверка и аудитория"},
    "web_check_live": {
        "en": "Checked as you type, against the workspace's data.",
        "ru": "Проверяется по мере ввода, на данных рабочей области.",
    },
    "web_check_ok": {
        "en": "The brief is complete and every rule reads. Who gets it:",
        "ru": "Бриф заполнен, все правила читаются. Кто получит:",
    },
    "web_history": {"en": "Versions and decisions", "ru": "Версии и решения"},
    "web_diff": {"en": "what changed", "ru": "что изменилось"},
    "web_event_counts": {
        "en": "audience {final}: {target} target, {control} control (data as of {as_of})",
        "ru": "аудитория {final}: {target} получат, {control} в контроле (данные на {as_of})",
    },
    "web_done_saved": {
        "en": "Saved: a new version is recorded.",
        "ru": "Сохранено: записана новая версия.",
    },
    "web_done_unchanged": {
        "en": "Nothing changed: the file is kept as it was.",
        "ru": "Изменений нет: файл оставлен как был.",
    },
    "web_done_submit": {"en": "Submitted for approval.", "ru": "Отправлено на согласование."},
    "web_done_approve": {"en": "Approved.", "ru": "Одобрено."},
    "web_done_reject": {
        "en": "Rejected: the author sees why.",
        "ru": "Отклонено: автор увидит причину.",
    },
    "web_done_export": {
        "en": "Exported: download the lists below; the planned sends are recorded.",
        "ru": "Выгружено: скачайте списки ниже; запланированные отправки записаны.",
    },
    "web_status_draft": {
        "en": "Draft: save it complete, then submit it for a second marketer's approval.",
        "ru": "Черновик: сохраните полный бриф и отправьте на согласование второму маркетологу.",
    },
    "web_status_submitted": {
        "en": "Awaiting approval by another marketer or an administrator.",
        "ru": "Ждёт одобрения другого маркетолога или администратора.",
    },
    "web_status_rejected": {
        "en": "Rejected by {actor}: “{comment}”. Change it and submit it again.",
        "ru": "Отклонено ({actor}): «{comment}». Исправьте и отправьте снова.",
    },
    "web_status_approved": {
        "en": "Approved by {actor} at {at}: {final} customers, {target} to receive it and "
        "{control} held out (data as of {as_of}).",
        "ru": "Одобрено ({actor}, {at}): {final} клиентов, {target} получат, {control} в "
        "контроле (данные на {as_of}).",
    },
    "web_status_exported": {
        "en": "Exported by {actor} at {at}: {target} to send, {control} held out, planned for "
        "{sent_at}; since approval {added} added and {removed} removed.",
        "ru": "Выгружено ({actor}, {at}): {target} к отправке, {control} в контроле, отправка "
        "{sent_at}; после одобрения добавилось {added}, убрано {removed}.",
    },
    "web_download_target": {"en": "Target list (CSV)", "ru": "Список рассылки (CSV)"},
    "web_download_control": {"en": "Control list (CSV)", "ru": "Контрольная группа (CSV)"},
    "web_comment_optional": {"en": "comment (optional)", "ru": "комментарий (необязательно)"},
    "web_comment_required": {"en": "why (required)", "ru": "почему (обязательно)"},
    "web_submit": {"en": "Submit for approval", "ru": "Отправить на согласование"},
    "web_approve": {"en": "Approve", "ru": "Одобрить"},
    "web_reject": {"en": "Reject", "ru": "Отклонить"},
    "web_export": {"en": "Export the lists", "ru": "Выгрузить списки"},
    "web_reapprove_above": {
        "en": "Ask again if the audience changed by more than",
        "ru": "Согласовать заново, если аудитория изменилась больше чем на",
    },
    "web_not_own_approval": {
        "en": "You wrote or submitted this campaign: another marketer or an administrator "
        "approves it.",
        "ru": "Вы писали или отправляли эту кампанию: одобряет другой маркетолог или "
        "администратор.",
    },
    "web_measurement": {"en": "Measurement", "ru": "Измерение"},
    "web_measure_title": {"en": "{campaign}: did it work?", "ru": "{campaign}: сработало ли?"},
    "web_back_to_brief": {"en": "The brief", "ru": "Бриф"},
    "web_measure_waiting": {
        "en": "Nothing to measure yet ({reason}).",
        "ru": "Измерять пока нечего ({reason}).",
    },
    "web_window_open": {
        "en": "The window is still open: {days} of {window} days observed. The figures will move.",
        "ru": "Окно ещё не закончилось: прошло {days} из {window} дн. Цифры ещё изменятся.",
    },
    "web_mde_conversion": {
        "en": "The smallest effect this test could detect (80% power): {mde} of conversion, "
        "{rel} of the control's level.",
        "ru": "Минимальный эффект, который этот тест мог заметить (мощность 80%): {mde} "
        "конверсии, {rel} от уровня контроля.",
    },
    "web_mde_revenue": {
        "en": "The smallest effect this test could detect (80% power): {mde} per customer, "
        "{rel} of the control's level.",
        "ru": "Минимальный эффект, который этот тест мог заметить (мощность 80%): {mde} на "
        "клиента, {rel} от уровня контроля.",
    },
    "web_incremental": {
        "en": "Incremental revenue among the target: {inc} (95% interval {low} to {high}), "
        "of {total} they spent in the window.",
        "ru": "Дополнительная выручка в целевой группе: {inc} (95%-интервал от {low} до "
        "{high}) из {total}, потраченных ими за окно.",
    },
    "web_portfolio": {
        "en": "All measured campaigns together",
        "ru": "Все измеренные кампании вместе",
    },
    "web_portfolio_sales": {"en": "all sales in their windows", "ru": "все продажи за их окна"},
    "web_portfolio_claimed": {
        "en": "claimed by their own attribution",
        "ru": "заявлено их атрибуцией",
    },
    "web_portfolio_added": {
        "en": "measured against control [95%]",
        "ru": "измерено против контроля [95%]",
    },
    "web_measured_campaigns": {"en": "Measured campaigns", "ru": "Измеренные кампании"},
    "web_role_admin": {"en": "administrator", "ru": "администратор"},
    "web_role_analyst": {"en": "analyst", "ru": "аналитик"},
    "web_role_marketer": {"en": "marketer", "ru": "маркетолог"},
    "web_role_manager": {"en": "account manager", "ru": "менеджер"},
    "web_role_viewer": {"en": "viewer", "ru": "наблюдатель"},
    "web_sign_in": {"en": "Sign in", "ru": "Вход"},
    "web_sign_out": {"en": "Sign out", "ru": "Выйти"},
    "web_login": {"en": "Login", "ru": "Логин"},
    "web_password": {"en": "Password", "ru": "Пароль"},
    "web_signin_refused": {
        "en": "Wrong login or password, or the account is disabled.",
        "ru": "Неверный логин или пароль, либо учётная запись отключена.",
    },
    "web_signin_locked": {
        "en": "Too many failed sign-ins: the account is locked for 15 minutes.",
        "ru": "Слишком много неудачных попыток: учётная запись заблокирована на 15 минут.",
    },
    "web_signin_wait": {
        "en": "Too many failed sign-ins: try again in {seconds} s.",
        "ru": "Слишком много неудачных попыток: повторите через {seconds} с.",
    },
    "web_not_signed_in": {
        "en": "Sign in first: send a valid API token (Authorization: Bearer ...).",
        "ru": "Сначала войдите: передайте действующий API-токен (Authorization: Bearer ...).",
    },
    "web_forbidden": {
        "en": "Your role does not allow this (it needs the permission {permission}).",
        "ru": "Ваша роль этого не разрешает (нужно право {permission}).",
    },
    "web_bad_csrf": {
        "en": "The form has expired: reload the page and try again.",
        "ru": "Форма устарела: обновите страницу и повторите.",
    },
    "web_bad_request": {
        "en": "Missing or invalid parameters: {fields}",
        "ru": "Параметры отсутствуют или неверны: {fields}",
    },
    "web_not_found": {"en": "No such page.", "ru": "Такой страницы нет."},
    "web_internal_error": {
        "en": "Something went wrong on the server; the error is in its log.",
        "ru": "Ошибка на сервере; подробности в его журнале.",
    },
    "web_error_title": {"en": "This did not work", "ru": "Не получилось"},
    "web_back_to_overview": {"en": "Back to the overview", "ru": "Вернуться к обзору"},
    "web_search": {"en": "Search", "ru": "Поиск"},
    "web_search_placeholder": {
        "en": "Customer id or name…",
        "ru": "Код или название клиента…",
    },
    "web_search_none": {"en": "No customer matches «{q}».", "ru": "Нет клиентов по запросу «{q}»."},
    "web_search_empty": {
        "en": "Type a customer id or a part of a name.",
        "ru": "Введите код клиента или часть названия.",
    },
    "web_as_of": {"en": "As of", "ru": "На дату"},
    "web_segment_by": {"en": "Break down by", "ru": "Разбивка по"},
    "web_apply": {"en": "Show", "ru": "Показать"},
    "web_none": {"en": "None.", "ru": "Нет."},
    "web_no_data": {
        "en": "No orders yet. Import the company's files (orders first) on the Imports page or "
        "with cxray import; the figures appear here then.",
        "ru": "Заказов пока нет. Загрузите файлы компании (сначала заказы) на странице «Загрузка "
        "данных» или командой cxray import — тогда здесь появятся показатели.",
    },
    "web_customer": {"en": "Customer", "ru": "Клиент"},
    "web_customer_id": {"en": "Customer id", "ru": "Код клиента"},
    "web_customer_name": {"en": "Name", "ru": "Название"},
    "web_attr_segment": {"en": "Segment", "ru": "Сегмент"},
    "web_attr_region": {"en": "Region", "ru": "Регион"},
    "web_attr_account_manager": {"en": "Account manager", "ru": "Менеджер"},
    "web_attr_first_contact_date": {"en": "First contact", "ru": "Первый контакт"},
    "web_attr_source_channel": {"en": "Came from", "ru": "Источник"},
    "web_pii_masked": {
        "en": "Contact data is masked for your role.",
        "ru": "Контактные данные скрыты для вашей роли.",
    },
    "web_card_details": {"en": "Customer", "ru": "Клиент"},
    "web_card_products": {
        "en": "Purchases by product line, month by month",
        "ru": "Покупки по товарным линиям по месяцам",
    },
    "web_card_no_purchases": {
        "en": "No purchases in these months.",
        "ru": "Покупок за эти месяцы нет.",
    },
    "web_card_contacts": {"en": "Contacts and consents", "ru": "Контакты и согласия"},
    "web_card_consents": {"en": "Consents", "ru": "Согласия"},
    "web_card_sends": {"en": "Latest sends", "ru": "Последние рассылки"},
    "web_card_answers": {"en": "Survey answers", "ru": "Ответы на опросы"},
    "web_month": {"en": "Month", "ru": "Месяц"},
    "web_product_line": {"en": "Product line", "ru": "Товарная линия"},
    "web_revenue": {"en": "Revenue", "ru": "Выручка"},
    "web_peer_share": {"en": "Peers buying", "ru": "Доля покупающих аналогов"},
    "web_potential": {"en": "Potential", "ru": "Потенциал"},
    "web_contact_name": {"en": "Contact", "ru": "Контактное лицо"},
    "web_contact_role": {"en": "Role", "ru": "Должность"},
    "web_phone": {"en": "Phone", "ru": "Телефон"},
    "web_channel": {"en": "Channel", "ru": "Канал"},
    "web_status": {"en": "Status", "ru": "Статус"},
    "web_date": {"en": "Date", "ru": "Дата"},
    "web_campaign": {"en": "Campaign", "ru": "Кампания"},
    "web_opened": {"en": "Opened", "ru": "Открыто"},
    "web_clicked": {"en": "Clicked", "ru": "Переход"},
    "web_metric": {"en": "Metric", "ru": "Метрика"},
    "web_score": {"en": "Score", "ru": "Оценка"},
    "web_comment": {"en": "Comment", "ru": "Комментарий"},
    "web_task": {"en": "Task", "ru": "Задача"},
    "web_owner": {"en": "Owner", "ru": "Ответственный"},
    "web_due": {"en": "Due", "ru": "Срок"},
    "web_actions": {"en": "Actions", "ru": "Действия"},
    "web_task_open": {"en": "open", "ru": "открыта"},
    "web_task_closed": {"en": "closed", "ru": "закрыта"},
    "web_tasks_open": {"en": "Open", "ru": "Открытые"},
    "web_followups_open": {"en": "open follow-ups", "ru": "открытых задач"},
    "web_followups_overdue": {"en": "overdue follow-ups", "ru": "просроченных задач"},
    "web_tasks_mine": {"en": "Mine", "ru": "Мои"},
    "web_tasks_overdue": {"en": "Overdue", "ru": "Просроченные"},
    "web_tasks_none_open": {"en": "No open tasks.", "ru": "Открытых задач нет."},
    "web_tasks_none_mine": {
        "en": "No open tasks are yours.",
        "ru": "Открытых задач на вас нет.",
    },
    "web_tasks_none_overdue": {"en": "Nothing is overdue.", "ru": "Просроченных задач нет."},
    "web_tasks_not_yours": {
        "en": "The tasks of this customer are shown to its account manager.",
        "ru": "Задачи по этому клиенту видит его менеджер.",
    },
    "web_resolution": {"en": "What was done", "ru": "Что сделано"},
    "web_close_task": {"en": "Close", "ru": "Закрыть"},
    "web_reassign": {"en": "Reassign", "ru": "Передать"},
    "web_resolution_needed": {
        "en": "Say what was done to close the task.",
        "ru": "Чтобы закрыть задачу, напишите, что сделано.",
    },
    "web_owner_needed": {
        "en": "Name the new owner of the task.",
        "ru": "Укажите нового ответственного.",
    },
    "web_import_table": {"en": "Table", "ru": "Таблица"},
    "web_import_file": {"en": "File (CSV, XLSX, Parquet)", "ru": "Файл (CSV, XLSX, Parquet)"},
    "web_import_maps": {
        "en": "Column mapping, one per line (source=column)",
        "ru": "Сопоставление столбцов, по одному в строке (источник=столбец)",
    },
    "web_import_sep": {"en": "Delimiter (auto when empty)", "ru": "Разделитель (пусто — сам)"},
    "web_import_encoding": {"en": "Encoding", "ru": "Кодировка"},
    "web_import_date_format": {"en": "Date format", "ru": "Формат дат"},
    "web_import_run": {"en": "Import", "ru": "Загрузить"},
    "web_import_result": {"en": "{file} → {table}", "ru": "{file} → {table}"},
    "web_import_rows_read": {"en": "rows read", "ru": "строк прочитано"},
    "web_import_new": {"en": "new", "ru": "новых"},
    "web_import_updated": {"en": "updated", "ru": "обновлено"},
    "web_import_unchanged": {"en": "unchanged", "ru": "без изменений"},
    "web_import_rejected": {"en": "rejected", "ru": "отклонено"},
    "web_import_rejects": {"en": "Rejected rows by reason", "ru": "Отклонённые строки по причинам"},
    "web_reason": {"en": "Reason", "ru": "Причина"},
    "web_rows": {"en": "Rows", "ru": "Строк"},
    "web_examples": {"en": "Rows of the file", "ru": "Строки файла"},
    "web_audit_at": {"en": "When (UTC)", "ru": "Когда (UTC)"},
    "web_audit_actor": {"en": "Who", "ru": "Кто"},
    "web_audit_action": {"en": "Action", "ru": "Действие"},
    "web_audit_target": {"en": "Object", "ru": "Объект"},
    "web_audit_details": {"en": "Details", "ru": "Подробности"},
    "web_page_of": {
        "en": "Page {page} of {pages} ({total} entries)",
        "ru": "Страница {page} из {pages} (записей: {total})",
    },
    "serve_no_admin": {
        "en": "No active admin in this workspace: add one first with "
        "cxray users add LOGIN --role admin",
        "ru": "В рабочей области нет активного администратора: сначала добавьте его: "
        "cxray users add LOGIN --role admin",
    },
    "serve_not_loopback": {
        "en": "Serving on {host}, reachable from other machines: put it behind HTTPS.",
        "ru": "Сервер слушает {host} и доступен с других машин: закройте его HTTPS.",
    },
    "serve_listening": {
        "en": "cxray serves {workspace} at {url} (Ctrl+C stops it)",
        "ru": "cxray открывает {workspace} по адресу {url} (Ctrl+C — остановить)",
    },
    # --- report -------------------------------------------------------------------------
    "report_title": {"en": "Customer base X-ray", "ru": "Рентген клиентской базы"},
    "report_subtitle": {
        "en": "As of {as_of}. Revenue is net of returns.",
        "ru": "На {as_of}. Выручка за вычетом возвратов.",
    },
    "report_written": {"en": "Report written to {path}", "ru": "Отчёт записан в {path}"},
    "report_step": {"en": "Computing {step}", "ru": "Расчёт: {step}"},
    "card_key_share": {"en": "revenue from key", "ru": "выручки от ключевых"},
    "card_window_revenue": {"en": "revenue, active window", "ru": "выручка активного окна"},
    "sec_funnel": {"en": "Client base funnel", "ru": "Воронка клиентской базы"},
    "read_funnel": {
        "en": "Each stage is a subset of the one above; bars use a log scale so the few key "
        "clients stay visible next to thousands of known ones.",
        "ru": "Каждый этап входит в предыдущий; шкала логарифмическая, чтобы горстка ключевых "
        "клиентов была видна рядом с тысячами известных.",
    },
    "sec_pareto": {"en": "Pareto curve", "ru": "Кривая Парето"},
    "read_pareto": {
        "en": "How much of the revenue the top customers give: the steeper the curve, the more "
        "the business depends on a few clients.",
        "ru": "Какую долю выручки дают крупнейшие клиенты: чем круче кривая, тем сильнее "
        "бизнес зависит от немногих.",
    },
    "pareto_axis": {
        "en": "x: share of buying customers, ranked by revenue; y: cumulative share of revenue.",
        "ru": "x: доля покупающих клиентов по убыванию выручки; y: накопленная доля выручки.",
    },
    "sec_abc": {"en": "ABC-XYZ", "ru": "ABC-XYZ"},
    "read_abc": {
        "en": "ABC ranks by revenue, XYZ by how steady monthly revenue is; AX are large and "
        "predictable, CZ small and erratic. Left: count, right: share of revenue.",
        "ru": "ABC — по выручке, XYZ — по стабильности месячной выручки; AX — крупные и "
        "предсказуемые, CZ — мелкие и нерегулярные. Слева — число, справа — доля выручки.",
    },
    "abc_title_short": {"en": "ABC-XYZ of {by}", "ru": "ABC-XYZ по {by}"},
    "sec_trends": {"en": "Product lines month by month", "ru": "Товарные линии по месяцам"},
    "read_trends": {
        "en": "Monthly revenue per product line; the table compares the last month with the "
        "month before (MoM) and the same month a year earlier (YoY).",
        "ru": "Месячная выручка по товарным линиям; таблица сравнивает последний месяц с "
        "предыдущим (MoM) и с тем же месяцем год назад (YoY).",
    },
    "col_line": {"en": "product line", "ru": "товарная линия"},
    "col_sku": {"en": "SKU", "ru": "артикул"},
    "legend_last_12": {"en": "last 12 months", "ru": "последние 12 месяцев"},
    "legend_year_before": {"en": "a year earlier", "ru": "годом ранее"},
    "trend_caption": {
        "en": "{revenue} in the last month; MoM {mom}, YoY {yoy}",
        "ru": "{revenue} за последний месяц; к пред. мес. {mom}, к году назад {yoy}",
    },
    "trend_legend": {
        "en": "Solid blue: the last 12 months to {month}; dashed grey: the same months a year "
        "earlier.",
        "ru": "Синяя линия — последние 12 месяцев по {month}; серый пунктир — те же месяцы "
        "годом ранее.",
    },
    "col_revenue_month": {"en": "revenue {month}", "ru": "выручка {month}"},
    "col_mom": {"en": "MoM", "ru": "к пред. мес."},
    "col_mom_pct": {"en": "MoM %", "ru": "к пред. мес., %"},
    "col_yoy": {"en": "YoY", "ru": "к году назад"},
    "col_yoy_pct": {"en": "YoY %", "ru": "к году назад, %"},
    # month labels in words, and the labels analytics use for missing values
    "months_short": {
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "ru": "янв фев мар апр май июн июл авг сен окт ноя дек",
    },
    "month_label": {"en": "{month} {year}", "ru": "{month} {year}"},
    "label_unknown": {"en": "(unknown)", "ru": "(неизвестно)"},
    "label_no_sku": {"en": "(no SKU)", "ru": "(без SKU)"},
    "label_none": {"en": "(none)", "ru": "(нет)"},
    "label_all": {"en": "(all)", "ru": "(все)"},
    "cohort_curves_one_year": {
        "en": "All customers so far were acquired in {year}: the curves compare acquisition "
        "years, so they appear once a second year starts. The table above shows the retention "
        "of each quarter's cohort.",
        "ru": "Все клиенты пока привлечены в {year} году: кривые сравнивают годы привлечения и "
        "появятся, когда начнётся второй год. Удержание когорт каждого квартала — в таблице "
        "выше.",
    },
    "clv_key_alive_bands": {
        "en": "{n} key clients: one bar per band of P(alive), the number of clients in it",
        "ru": "Ключевых клиентов: {n}; полоса — интервал P(alive) и число клиентов в нём",
    },
    "clv_key_at_risk": {
        "en": "Key clients with P(alive) below 50%: {n}",
        "ru": "Ключевые клиенты с P(alive) ниже 50%: {n}",
    },
    "clv_holdout_heading": {
        "en": "Holdout check: the models learnt from orders up to {start} and predicted the "
        "purchases to {end}",
        "ru": "Проверка на отложенном периоде: модели обучены на заказах по {start} и "
        "предсказали покупки по {end}",
    },
    "clv_holdout_read": {
        "en": "Customers grouped by their repeat purchases up to {start}; purchases per "
        "customer after it, actual against predicted. Close lines mean the forecast can be "
        "trusted.",
        "ru": "Клиенты сгруппированы по числу повторных покупок по {start}; покупки на "
        "клиента после этой даты, факт и прогноз. Близкие линии — прогнозу можно доверять.",
    },
    "col_calibration_repeats": {
        "en": "repeat purchases to calibration end",
        "ru": "повторных покупок в периоде обучения",
    },
    "col_actual_mean": {"en": "actual per customer", "ru": "факт на клиента"},
    "col_predicted_mean": {"en": "predicted per customer", "ru": "прогноз на клиента"},
    "col_actual_total": {"en": "actual total", "ru": "факт, всего"},
    "col_predicted_total": {"en": "predicted total", "ru": "прогноз, всего"},
    "legend_actual": {"en": "actual", "ru": "факт"},
    "legend_predicted": {"en": "predicted", "ru": "прогноз"},
    "row_total": {"en": "total", "ru": "итого"},
    "col_ci95": {"en": "95% CI", "ru": "95% ДИ"},
    "nps_by_month_short": {
        "en": "NPS answers in {n} month(s) so far: the trend line needs two months or more.",
        "ru": "Ответы NPS пока есть за месяцев: {n}; линии динамики нужно два месяца и больше.",
    },
    "abc_count_customer": {"en": "customers", "ru": "клиентов"},
    "abc_count_sku": {"en": "SKUs", "ru": "SKU"},
    "entity_customer": {"en": "customers", "ru": "клиенты"},
    "entity_sku": {"en": "SKUs", "ru": "SKU"},
    "kind_plan": {"en": "plan", "ru": "план"},
    "kind_measure": {"en": "measurement", "ru": "замер"},
    "kind_error": {"en": "error", "ru": "ошибка"},
    # XLSX report: sheet names (at most 31 characters) and column headers
    "xlsx_sheet_funnel": {"en": "funnel", "ru": "Воронка"},
    "xlsx_sheet_pareto": {"en": "Pareto", "ru": "Парето"},
    "xlsx_sheet_abc_xyz_customers": {"en": "ABC-XYZ customers", "ru": "ABC-XYZ клиенты"},
    "xlsx_sheet_abc_xyz_skus": {"en": "ABC-XYZ SKUs", "ru": "ABC-XYZ SKU"},
    "xlsx_sheet_abc_xyz_matrix": {"en": "ABC-XYZ matrix", "ru": "ABC-XYZ матрица"},
    "xlsx_sheet_line_trends": {"en": "product lines by month", "ru": "Линии по месяцам"},
    "xlsx_sheet_whitespace_matrix": {"en": "white space", "ru": "Белые пятна"},
    "xlsx_sheet_opportunities": {"en": "opportunities", "ru": "Возможности"},
    "xlsx_sheet_rfm": {"en": "RFM customers", "ru": "RFM клиенты"},
    "xlsx_sheet_rfm_segments": {"en": "RFM segments", "ru": "RFM сегменты"},
    "xlsx_sheet_cohorts_quarterly": {"en": "cohorts by quarter", "ru": "Когорты по кварталам"},
    "xlsx_sheet_activation": {"en": "activation", "ru": "Активация"},
    "xlsx_sheet_activation_budget": {"en": "activation budget", "ru": "Бюджет активации"},
    "xlsx_col_activation_budget_figure": {"en": "figure", "ru": "показатель"},
    "xlsx_col_activation_budget_value": {"en": "value", "ru": "значение"},
    "xlsx_sheet_initiatives": {"en": "CX initiatives", "ru": "CX-инициативы"},
    "xlsx_sheet_initiatives_portfolio": {"en": "CX portfolio", "ru": "CX-портфель"},
    "xlsx_sheet_loyalty": {"en": "loyalty", "ru": "Лояльность"},
    "xlsx_sheet_loyalty_by_tier": {"en": "loyalty by tier", "ru": "Лояльность по уровням"},
    "xlsx_sheet_loyalty_by_band": {"en": "loyalty by spend band", "ru": "Лояльность по тратам"},
    "xlsx_sheet_loyalty_balance": {"en": "loyalty balance", "ru": "Лояльность баланс"},
    "xlsx_col_loyalty_figure": {"en": "figure", "ru": "показатель"},
    "xlsx_col_loyalty_value": {"en": "value", "ru": "значение"},
    "xlsx_sheet_clv": {"en": "CLV", "ru": "CLV"},
    "xlsx_sheet_clv_holdout": {"en": "CLV holdout check", "ru": "CLV проверка"},
    "xlsx_sheet_clv_params": {"en": "CLV parameters", "ru": "CLV параметры"},
    "xlsx_col_model": {"en": "model", "ru": "модель"},
    "xlsx_col_parameter": {"en": "parameter", "ru": "параметр"},
    "xlsx_col_clv_params_value": {"en": "value", "ru": "значение"},
    "xlsx_sheet_campaigns": {"en": "campaigns", "ru": "Кампании"},
    "xlsx_sheet_alerts": {"en": "alerts", "ru": "Оповещения"},
    "xlsx_sheet_warnings": {"en": "warnings", "ru": "Предупреждения"},
    "xlsx_col_as_of": {"en": "as of", "ru": "на дату"},
    "xlsx_col_code": {"en": "code", "ru": "код"},
    "xlsx_col_warning": {"en": "warning", "ru": "предупреждение"},
    "xlsx_col_stage": {"en": "stage", "ru": "этап"},
    "xlsx_col_customers": {"en": "customers", "ru": "клиентов"},
    "xlsx_col_share_of_known": {"en": "share of known", "ru": "доля от известных"},
    "xlsx_col_rank": {"en": "rank", "ru": "место"},
    "xlsx_col_customer_id": {"en": "customer", "ru": "клиент"},
    "xlsx_col_revenue": {"en": "revenue", "ru": "выручка"},
    "xlsx_col_revenue_share": {"en": "revenue share", "ru": "доля выручки"},
    "xlsx_col_cum_revenue_share": {
        "en": "cumulative revenue share",
        "ru": "накопленная доля выручки",
    },
    "xlsx_col_cum_customer_share": {
        "en": "cumulative customer share",
        "ru": "накопленная доля клиентов",
    },
    "xlsx_col_key": {"en": "key client", "ru": "ключевой"},
    "xlsx_col_abc_xyz_customers_key": {"en": "customer", "ru": "клиент"},
    "xlsx_col_abc_xyz_skus_key": {"en": "SKU", "ru": "SKU"},
    "xlsx_col_rfm_segment": {"en": "RFM segment", "ru": "RFM-сегмент"},
    "xlsx_col_rfm_segments_segment": {"en": "RFM segment", "ru": "RFM-сегмент"},
    "xlsx_col_cum_share": {"en": "cumulative share", "ru": "накопленная доля"},
    "xlsx_col_abc": {"en": "ABC", "ru": "ABC"},
    "xlsx_col_cv": {"en": "CV of monthly revenue", "ru": "коэфф. вариации выручки"},
    "xlsx_col_xyz": {"en": "XYZ", "ru": "XYZ"},
    "xlsx_col_abc_xyz": {"en": "ABC-XYZ", "ru": "ABC-XYZ"},
    "xlsx_col_by": {"en": "of", "ru": "объект"},
    "xlsx_col_n": {"en": "count", "ru": "число"},
    "xlsx_col_product_line": {"en": "product line", "ru": "товарная линия"},
    "xlsx_col_name": {"en": "name", "ru": "название"},
    "xlsx_col_month": {"en": "month", "ru": "месяц"},
    "xlsx_col_mom_change": {"en": "MoM", "ru": "к пред. мес."},
    "xlsx_col_mom_pct": {"en": "MoM %", "ru": "к пред. мес., %"},
    "xlsx_col_yoy_change": {"en": "YoY", "ru": "к году назад"},
    "xlsx_col_yoy_pct": {"en": "YoY %", "ru": "к году назад, %"},
    "xlsx_col_segment": {"en": "segment", "ru": "сегмент"},
    "xlsx_col_peers": {"en": "peers", "ru": "похожих клиентов"},
    "xlsx_col_peer_buyers": {"en": "peers buying", "ru": "из них покупают"},
    "xlsx_col_peer_share": {"en": "share of peers buying", "ru": "доля покупающих"},
    "xlsx_col_potential": {"en": "potential", "ru": "потенциал"},
    "xlsx_col_recency": {"en": "recency", "ru": "давность"},
    "xlsx_col_frequency": {"en": "frequency", "ru": "частота"},
    "xlsx_col_monetary": {"en": "monetary", "ru": "сумма"},
    "xlsx_col_r_score": {"en": "R score", "ru": "балл R"},
    "xlsx_col_f_score": {"en": "F score", "ru": "балл F"},
    "xlsx_col_m_score": {"en": "M score", "ru": "балл M"},
    "xlsx_col_fm": {"en": "FM score", "ru": "балл FM"},
    "xlsx_col_share": {"en": "share", "ru": "доля"},
    "xlsx_col_mean_recency": {"en": "mean days since last order", "ru": "дней с последнего заказа"},
    "xlsx_col_mean_frequency": {"en": "mean order dates", "ru": "дат заказов в среднем"},
    "xlsx_col_mean_monetary": {"en": "mean revenue", "ru": "средняя выручка"},
    "xlsx_col_cohort": {"en": "cohort", "ru": "когорта"},
    "xlsx_col_period_index": {
        "en": "quarters since first order",
        "ru": "кварталов с первого заказа",
    },
    "xlsx_col_cohort_size": {"en": "cohort size", "ru": "размер когорты"},
    "xlsx_col_retention": {"en": "retention", "ru": "доля покупающих"},
    "xlsx_col_revenue_per_customer": {"en": "revenue per customer", "ru": "выручка на клиента"},
    "xlsx_col_k": {"en": "orders k", "ru": "заказов k"},
    "xlsx_col_customers_k": {"en": "made k", "ru": "сделали k"},
    "xlsx_col_customers_next": {"en": "made k+1", "ru": "сделали k+1"},
    "xlsx_col_share_next": {"en": "share k+1", "ru": "доля k+1"},
    "xlsx_col_median_days": {"en": "median days", "ru": "медиана дней"},
    "xlsx_col_T": {"en": "age T", "ru": "возраст T"},
    "xlsx_col_p_alive": {"en": "P(alive)", "ru": "P(активен)"},
    "xlsx_col_expected_purchases": {"en": "expected purchases", "ru": "ожидаемых покупок"},
    "xlsx_col_expected_value": {
        "en": "expected value of a purchase",
        "ru": "ожидаемая сумма покупки",
    },
    "xlsx_col_clv": {"en": "CLV", "ru": "CLV"},
    "xlsx_col_bucket": {
        "en": "repeat purchases to calibration end",
        "ru": "повторных покупок в периоде обучения",
    },
    "xlsx_col_actual_mean": {"en": "actual per customer", "ru": "факт на клиента"},
    "xlsx_col_predicted_mean": {"en": "predicted per customer", "ru": "прогноз на клиента"},
    "xlsx_col_actual_total": {"en": "actual total", "ru": "факт, всего"},
    "xlsx_col_predicted_total": {"en": "predicted total", "ru": "прогноз, всего"},
    "xlsx_col_campaign": {"en": "campaign", "ru": "кампания"},
    "xlsx_col_kind": {"en": "kind", "ru": "вид"},
    "xlsx_col_error": {"en": "error", "ru": "ошибка"},
    "xlsx_col_verdict": {"en": "verdict", "ru": "вывод"},
    "xlsx_col_target": {"en": "target group", "ru": "целевая группа"},
    "xlsx_col_control": {"en": "control group", "ru": "контрольная группа"},
    "xlsx_col_uplift": {"en": "uplift", "ru": "прирост"},
    "xlsx_col_ci_low": {"en": "95% CI low", "ru": "95% ДИ, от"},
    "xlsx_col_ci_high": {"en": "95% CI high", "ru": "95% ДИ, до"},
    "xlsx_col_final": {"en": "final audience", "ru": "итоговая аудитория"},
    "xlsx_col_regular": {"en": "regular", "ru": "регулярный"},
    "xlsx_col_key_year_ago": {"en": "key a year ago", "ru": "ключевой год назад"},
    "xlsx_col_regular_year_ago": {"en": "regular a year ago", "ru": "регулярный год назад"},
    "xlsx_col_weeks_since_last": {
        "en": "weeks since last purchase",
        "ru": "недель с последней покупки",
    },
    "xlsx_col_repeat_purchases": {"en": "repeat purchases", "ru": "повторных покупок"},
    "xlsx_col_lines": {"en": "product lines", "ru": "товарные линии"},
    "xlsx_col_months": {"en": "months", "ru": "месяцев"},
    "xlsx_col_revenue_recent": {
        "en": "revenue, recent months",
        "ru": "выручка за последние месяцы",
    },
    "xlsx_col_revenue_year_ago": {"en": "revenue a year earlier", "ru": "выручка годом ранее"},
    "xlsx_col_change": {"en": "change", "ru": "изменение"},
    "xlsx_col_change_pct": {"en": "change %", "ru": "изменение, %"},
    "xlsx_col_group": {"en": "group", "ru": "группа"},
    "xlsx_col_leads": {"en": "leads", "ru": "лиды"},
    "xlsx_col_contacted": {"en": "contacted", "ru": "с контактом"},
    "xlsx_col_qualified": {"en": "qualified", "ru": "квалифицированы"},
    "xlsx_col_won": {"en": "won", "ru": "выиграны"},
    "xlsx_col_lost": {"en": "lost", "ru": "потеряны"},
    "xlsx_col_unowned": {"en": "unowned", "ru": "без ответственного"},
    "xlsx_col_breaches": {"en": "SLA breaches", "ru": "нарушения SLA"},
    "xlsx_col_not_due": {"en": "open, not yet due", "ru": "открыты, срок не истёк"},
    "xlsx_col_won_customers": {"en": "won customers", "ru": "выигранные клиенты"},
    "xlsx_col_contact_rate": {"en": "contact rate", "ru": "доля контакта"},
    "xlsx_col_contact_low": {"en": "contact rate, low", "ru": "доля контакта, от"},
    "xlsx_col_contact_high": {"en": "contact rate, high", "ru": "доля контакта, до"},
    "xlsx_col_qualify_rate": {"en": "qualified / contacted", "ru": "квалиф. / контакт"},
    "xlsx_col_qualify_low": {"en": "qualified / contacted, low", "ru": "квалиф. / контакт, от"},
    "xlsx_col_qualify_high": {"en": "qualified / contacted, high", "ru": "квалиф. / контакт, до"},
    "xlsx_col_win_rate": {"en": "won / qualified", "ru": "выигр. / квалиф."},
    "xlsx_col_win_low": {"en": "won / qualified, low", "ru": "выигр. / квалиф., от"},
    "xlsx_col_win_high": {"en": "won / qualified, high", "ru": "выигр. / квалиф., до"},
    "xlsx_col_lead_to_won_rate": {"en": "won / leads", "ru": "выигр. / лиды"},
    "xlsx_col_lead_to_won_low": {"en": "won / leads, low", "ru": "выигр. / лиды, от"},
    "xlsx_col_lead_to_won_high": {"en": "won / leads, high", "ru": "выигр. / лиды, до"},
    "xlsx_col_median_hours": {
        "en": "median hours to first contact",
        "ru": "медиана часов до контакта",
    },
    "xlsx_col_p90_hours": {"en": "p90 hours to first contact", "ru": "p90 часов до контакта"},
    "xlsx_col_channel": {"en": "channel", "ru": "канал"},
    "xlsx_col_cost": {"en": "cost", "ru": "затраты"},
    "xlsx_col_cpl": {"en": "CPL (cost per lead)", "ru": "CPL (стоимость лида)"},
    "xlsx_col_cac": {"en": "CAC (cost per won customer)", "ru": "CAC (стоимость клиента)"},
    "xlsx_col_customers_with_orders": {"en": "customers with orders", "ru": "клиенты с заказами"},
    "xlsx_col_margin_per_customer": {
        "en": "margin per customer so far",
        "ru": "маржа на клиента к дате",
    },
    "xlsx_col_payback_months": {"en": "payback, months", "ru": "окупаемость, мес."},
    "xlsx_col_months_observed": {"en": "months observed", "ru": "мес. наблюдения"},
    "xlsx_col_clv_per_customer": {"en": "CLV per customer", "ru": "CLV на клиента"},
    "xlsx_col_clv_to_cac": {"en": "CLV / CAC", "ru": "CLV / CAC, раз"},
    "xlsx_col_reason": {"en": "reason", "ru": "причина"},
    "xlsx_sheet_leads_funnel": {"en": "lead funnel", "ru": "Воронка лидов"},
    "xlsx_sheet_leads_costs": {"en": "CPL and CAC", "ru": "CPL и CAC"},
    "xlsx_sheet_leads_costs_by_month": {"en": "CPL and CAC by month", "ru": "CPL и CAC по мес."},
    "xlsx_sheet_leads_payback": {"en": "lead payback", "ru": "Окупаемость лидов"},
    "xlsx_sheet_leads_lost_reasons": {"en": "lost reasons", "ru": "Причины потерь"},
    "sec_initiatives": {"en": "CX initiatives", "ru": "CX-инициативы"},
    "read_initiatives": {
        "en": "Each initiative of the workspace's initiatives/ folder, measured from its start: "
        "the metric of its type for affected against unaffected customers (or touchpoints) as a "
        "difference in differences against the 12 months before, with its 95% interval and the "
        "months observed; its incremental margin (30% of the revenue effect, or the units "
        "avoided x their value), cost, ROI and payback month; then the portfolio as a whole. An "
        "initiative observed for fewer than 12 months is too young to judge.",
        "ru": "Каждая инициатива из папки initiatives/ рабочей области, измеренная от её начала: "
        "метрика её типа у затронутых клиентов (или точек контакта) против незатронутых как "
        "разность разностей к 12 месяцам до начала, с 95% интервалом и числом месяцев "
        "наблюдения; её дополнительная маржа (30% эффекта по выручке или избежанные единицы x "
        "их стоимость), затраты, ROI и месяц окупаемости; затем портфель целиком. Инициативу, "
        "которая наблюдается меньше 12 месяцев, оценивать рано.",
    },
    "sec_leads": {"en": "Leads and CAC", "ru": "Лиды и CAC"},
    "read_leads": {
        "en": "Leads by channel through contacted, qualified and won, each rate with its 95% "
        "interval; how fast leads are contacted and how many nobody owns or nobody called "
        "within {sla_hours} hours; what a lead and a won customer cost per channel (offline "
        "channels with costs only included); and how many months each channel's won customers "
        "take to pay their CAC back from their margin (at {margin}).",
        "ru": "Лиды по каналам: контакт, квалификация и сделка, каждая доля с 95% интервалом; "
        "как быстро с лидами связываются, сколько лидов ни за кем не закреплено и сколько не "
        "получили контакт за {sla_hours} ч; сколько стоят лид и выигранный клиент по каналам "
        "(включая офлайн-каналы только с затратами); и за сколько месяцев выигранные клиенты "
        "канала окупают свой CAC маржой (при {margin}).",
    },
    "sec_returns": {"en": "Returns", "ru": "Возвраты"},
    "read_returns": {
        "en": "Return rate by amount in the active window ({months} months): returned amount / "
        "sold amount. A return is a negative order line; a day of returns only is no purchase.",
        "ru": "Доля возвратов по сумме в активном окне ({months} мес.): возвращено / продано. "
        "Возврат — строка заказа с отрицательной суммой; день одних возвратов — не покупка.",
    },
    "returns_note": {
        "en": "Net revenue {net} (every customer, returns subtracted; {ranked} from customers "
        "with a positive net, the base of the key and Pareto shares). Sold {sold}, returned "
        "{returned}: return rate {rate}. Customers who only returned: {only}.",
        "ru": "Чистая выручка {net} (все клиенты, за вычетом возвратов; {ranked} — от клиентов с "
        "положительным итогом, база долей ключевых и Парето). Продано {sold}, возвращено "
        "{returned}: доля возвратов {rate}. Клиентов, которые только возвращали: {only}.",
    },
    "returns_by_line": {"en": "By product line", "ru": "По товарным линиям"},
    "returns_by_sku": {
        "en": "The {n} SKUs returned most",
        "ru": "Товары с наибольшими возвратами: {n}",
    },
    "returns_top_customers": {
        "en": "The {n} customers who returned most",
        "ru": "{n} клиентов с наибольшими возвратами",
    },
    "col_sold": {"en": "sold", "ru": "продано"},
    "col_returned": {"en": "returned", "ru": "возвращено"},
    "col_return_rate": {"en": "return rate", "ru": "доля возвратов"},
    "col_returned_only": {"en": "only returned", "ru": "только возвраты"},
    "sec_by_segment": {"en": "By {column}", "ru": "В разрезе: {column}"},
    "read_by_segment": {
        "en": "The funnel and the RFM segments for each value of the customers' {column} column.",
        "ru": "Воронка и RFM-сегменты для каждого значения колонки клиентов {column}.",
    },
    "sec_whitespace": {"en": "White space", "ru": "Белые пятна"},
    "read_whitespace": {
        "en": "Revenue of the top {n} customers by product line in the active window; a "
        "hatched cell is a line the customer does not buy (white space).",
        "ru": "Выручка {n} крупнейших клиентов по товарным линиям за активное окно; "
        "штрихованная ячейка — линия, которую клиент не покупает (белое пятно).",
    },
    "col_customer": {"en": "customer", "ru": "клиент"},
    "sec_rfm": {"en": "RFM segments", "ru": "RFM-сегменты"},
    "read_rfm": {
        "en": "Customers scored 1-5 on recency, frequency and money in the active window and "
        "grouped into segments; bars show customers and share of revenue.",
        "ru": "Клиенты оценены по 1-5 баллов за давность, частоту и сумму покупок в активном "
        "окне и сгруппированы; на полосах — число клиентов и доля выручки.",
    },
    "col_segment": {"en": "RFM segment", "ru": "RFM-сегмент"},
    "col_recency": {"en": "mean days since last order", "ru": "дней с последнего заказа"},
    "col_frequency": {"en": "mean order dates", "ru": "дат заказов в среднем"},
    "col_monetary": {"en": "mean revenue", "ru": "средняя выручка"},
    "sec_opportunities": {
        "en": "Top cross-sell opportunities",
        "ru": "Лучшие возможности кросс-продаж",
    },
    "read_opportunities": {
        "en": "Product lines a customer does not buy although many of its segment peers do; "
        "potential is the median revenue of that line among the peers who buy it.",
        "ru": "Товарные линии, которые клиент не покупает, хотя их покупают многие клиенты "
        "его сегмента; потенциал — медианная выручка линии у покупающих её коллег.",
    },
    "col_segment_attr": {"en": "segment", "ru": "сегмент"},
    "col_customers_gap": {"en": "customers not buying it", "ru": "клиентов не покупают"},
    "col_potential_total": {"en": "total potential", "ru": "суммарный потенциал"},
    "opp_by_line": {"en": "By product line", "ru": "По товарным линиям"},
    "opp_top_customers": {
        "en": "Best lines for the {n} largest customers with white space",
        "ru": "Лучшие линии для {n} крупнейших клиентов с белыми пятнами",
    },
    "col_peer_share": {"en": "peers buying", "ru": "доля покупающих"},
    "col_peer_buyers": {"en": "buyers/peers", "ru": "покупают/всего"},
    "col_potential": {"en": "potential", "ru": "потенциал"},
    "opportunities_total": {
        "en": "{n} opportunities in all, total potential {total}.",
        "ru": "Всего возможностей: {n}, суммарный потенциал {total}.",
    },
    "sec_cohorts": {"en": "Cohorts: who keeps buying", "ru": "Когорты: кто продолжает покупать"},
    "read_cohorts": {
        "en": "Rows are quarters of the first order (customers acquired in brackets), columns "
        "are quarters since then; a cell is the share of the cohort that bought in that quarter.",
        "ru": "Строки — кварталы первого заказа (в скобках — сколько клиентов пришло), столбцы — "
        "кварталы после него; в ячейке — доля когорты, купившая в этом квартале.",
    },
    "col_cohort_quarters": {"en": "cohort / quarters since", "ru": "когорта / кварталов спустя"},
    "cohort_curves": {
        "en": "Mean retention by acquisition year",
        "ru": "Средняя доля покупающих по году привлечения",
    },
    "sec_loyalty": {"en": "Loyalty programme", "ru": "Программа лояльности"},
    "read_loyalty": {
        "en": "Members among the customers active in the last 12 months and their share of "
        "revenue; rewards accrued and redeemed as a share of the members' revenue; whether the "
        "reward rate grows with tier and spend; and what the programme adds: members' revenue "
        "and retention in the {months} months after joining, against non-members matched on "
        "the 12 months before (a difference in differences).",
        "ru": "Участники среди клиентов, активных за последние 12 мес., и их доля в выручке; "
        "начисленные и списанные бонусы как доля выручки участников; растёт ли доля бонусов с "
        "уровнем и тратами; и что добавляет программа: выручка и удержание участников за {months} "
        "мес. после вступления против похожих не-участников за 12 мес. до него (разность "
        "разностей).",
    },
    "sec_activation_budget": {
        "en": "Activation budget",
        "ru": "Бюджет активации",
    },
    "read_activation_budget": {
        "en": "New customers (acquired in the last {months} months, order 1 at least "
        "{window_days} days ago): how many made orders 2 and 3 within {window_days} days, one "
        "first order's margin (at {margin}) as the budget per new customer, and the rise of the "
        "order 2 share that would pay it back.",
        "ru": "Новые клиенты (привлечены за последние {months} мес., первый заказ не позже чем "
        "{window_days} дн. назад): сколько сделали 2-й и 3-й заказ за {window_days} дн., маржа "
        "одного первого заказа (при {margin}) как бюджет на нового клиента и рост доли 2-го "
        "заказа, при котором бюджет окупится.",
    },
    "sec_activation": {
        "en": "Activation: from order to order",
        "ru": "Активация: от заказа к заказу",
    },
    "read_activation": {
        "en": "Of the customers who made order k, the share who made order k+1 and the median "
        "days between them; a customer's pattern forms in the first orders.",
        "ru": "Из клиентов, сделавших заказ k, доля сделавших заказ k+1 и медиана дней между "
        "ними; привычка клиента складывается в первых заказах.",
    },
    "activation_step": {"en": "order {k} → {next}", "ru": "заказ {k} → {next}"},
    "days_median": {"en": "median {days} days", "ru": "медиана {days} дн."},
    "sec_clv": {"en": "Customer lifetime value", "ru": "Пожизненная ценность клиентов (CLV)"},
    "read_clv": {
        "en": "BG/NBD predicts who is still buying and how often, Gamma-Gamma how much; CLV is "
        "the discounted revenue expected over the next 52 weeks.",
        "ru": "BG/NBD предсказывает, кто ещё покупает и как часто, Gamma-Gamma — на какую "
        "сумму; CLV — дисконтированная выручка, ожидаемая за следующие 52 недели.",
    },
    "clv_not_fitted": {
        "en": "The models could not be fitted: too little purchase history.",
        "ru": "Модели не удалось построить: слишком мало истории покупок.",
    },
    "clv_untrusted": {
        "en": "The CLV and P(alive) of each customer are not shown: the fit cannot be trusted "
        "on this data (see the warnings above), and its per-customer figures would mislead.",
        "ru": "CLV и вероятность активности по клиентам не показаны: модели на этих данных "
        "нельзя доверять (см. предупреждения выше), и её цифры по клиентам ввели бы в "
        "заблуждение.",
    },
    "clv_distribution": {
        "en": "Customers by CLV band (count · total CLV)",
        "ru": "Клиенты по диапазонам CLV (число · сумма CLV)",
    },
    "clv_top": {"en": "Most valuable customers", "ru": "Самые ценные клиенты"},
    "clv_key_alive": {
        "en": "P(alive) of the key clients (red: below 50%)",
        "ru": "Вероятность активности ключевых клиентов (красным — ниже 50%)",
    },
    "clv_params_line": {
        "en": "BG/NBD: r = {r}, alpha = {alpha}, a = {a}, b = {b}, "
        "log-likelihood {ll}, {n} customers.",
        "ru": "BG/NBD: r = {r}, alpha = {alpha}, a = {a}, b = {b}, "
        "логарифм правдоподобия {ll}, клиентов {n}.",
    },
    "points_change": {"en": "{n} pp", "ru": "{n}\u00a0п.\u00a0п."},
    "compact_thousands": {"en": "{n}k", "ru": "{n}\u00a0тыс."},
    "compact_millions": {"en": "{n}M", "ru": "{n}\u00a0млн"},
    "compact_billions": {"en": "{n}B", "ru": "{n}\u00a0млрд"},
    "clv_gg_params_line": {
        "en": "Gamma-Gamma: p = {p}, q = {q}, v = {v}, log-likelihood {ll}, {n} repeat customers.",
        "ru": "Gamma-Gamma: p = {p}, q = {q}, v = {v}, логарифм правдоподобия {ll}, "
        "клиентов с повторными покупками {n}.",
    },
    "col_p_alive": {"en": "P(alive)", "ru": "P(активен)"},
    "col_expected_purchases": {"en": "expected purchases", "ru": "ожидаемых покупок"},
    "col_expected_value": {"en": "expected value", "ru": "ожидаемый чек"},
    "col_clv": {"en": "CLV", "ru": "CLV"},
    "sec_alerts": {"en": "Alerts", "ru": "Сигналы"},
    "read_alerts": {
        "en": "Regular and key clients that are likely gone (low P(alive)) or whose last three "
        "months fell against a year earlier, with the lines that fell most, or whose web "
        "sessions of the last 30 days fell to half of their usual or less.",
        "ru": "Регулярные и ключевые клиенты, которые, вероятно, ушли (низкая вероятность "
        "активности), или чья выручка за три месяца упала к прошлому году, с линиями, "
        "упавшими сильнее всего, или у которых сессий на сайте за последние 30 дней вдвое "
        "меньше обычного или ещё меньше.",
    },
    "alerts_counts": {
        "en": "{fading} likely gone, {drift} drifting, {portal} visiting the order portal less.",
        "ru": "Вероятно ушли: {fading}, снижают закупки: {drift}, реже заходят на портал: "
        "{portal}.",
    },
    "col_alert": {"en": "alert", "ru": "сигнал"},
    "col_why": {"en": "why", "ru": "почему"},
    "alert_kind_p_alive": {"en": "likely gone", "ru": "вероятно ушёл"},
    "alert_kind_drift": {"en": "drift", "ru": "снижение"},
    "alert_kind_portal_activity_fell": {
        "en": "portal activity fell",
        "ru": "упала активность на портале",
    },
    "rfm_champions": {"en": "champions", "ru": "чемпионы"},
    "rfm_loyal": {"en": "loyal", "ru": "лояльные"},
    "rfm_potential_loyalist": {"en": "potential loyalists", "ru": "потенциально лояльные"},
    "rfm_new": {"en": "new", "ru": "новые"},
    "rfm_promising": {"en": "promising", "ru": "перспективные"},
    "rfm_need_attention": {"en": "need attention", "ru": "требуют внимания"},
    "rfm_about_to_sleep": {"en": "about to sleep", "ru": "засыпающие"},
    "rfm_at_risk": {"en": "at risk", "ru": "в зоне риска"},
    "rfm_cant_lose": {"en": "can't lose them", "ru": "нельзя потерять"},
    "rfm_hibernating": {"en": "hibernating", "ru": "спящие"},
    "rfm_lost": {"en": "lost", "ru": "потерянные"},
}


def set_lang(lang: str | None) -> None:
    """Choose the language of all texts for this process (``en`` or ``ru``)."""
    global _current
    if lang is not None and lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}")
    _current = lang


def current_lang() -> str:
    if _current:
        return _current
    env = os.environ.get("CXRAY_LANG", "en").lower()[:2]
    return env if env in LANGS else "en"


def format_number(value: float, spec: str, lang: str | None = None) -> str:
    """``value`` formatted with ``spec`` (``,.0f``, ``.1%`` ...) as ``lang`` (default: the
    current language) writes numbers: English ``12,346``, ``12.5%``; Russian ``12 346`` (narrow
    no-break spaces between thousands), a decimal comma and a no-break space before the
    percent sign: ``12,5 %``. The one place where numbers shown to people get their language.

    >>> format_number(12345.678, ",.1f", "en"), format_number(12345.678, ",.1f", "ru")
    ('12,345.7', '12\u202f345,7')
    >>> format_number(0.125, ".1%", "ru")
    '12,5\xa0%'
    """
    text = format(value, spec)
    if (lang or current_lang()) != "ru":
        return text
    text = text.replace(",", "\u202f").replace(".", ",")
    return text[:-1] + "\u00a0%" if text.endswith("%") else text


def format_significant(value: float, digits: int = 4, lang: str | None = None) -> str:
    """``value`` with ``digits`` significant digits (a fitted parameter, whatever its scale),
    as ``lang`` writes numbers (:func:`format_number`): the whole part is never cut, and values
    below 0.0001 are written with an exponent.

    >>> format_significant(0.000123, lang="en"), format_significant(12345.678, lang="ru")
    ('0.0001230', '12\u202f346')
    >>> format_significant(1.7e-07, lang="en"), format_significant(2.5, lang="ru")
    ('1.700e-07', '2,500')
    >>> format_significant(12345, lang="en")
    '12,345'
    """
    if isinstance(value, int):  # a count: every digit
        return format_number(value, ",d", lang)
    if value == 0 or not math.isfinite(value):
        return format_number(value, "g", lang)
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -4:
        return format_number(value, f".{digits - 1}e", lang)
    return format_number(value, f",.{max(digits - 1 - magnitude, 0)}f", lang)


class _RussianNumbers(string.Formatter):
    """Numbers as Russian writes them (:func:`format_number`): ``1 234 567,89``, ``12,5 %``
    for ``{n:,}``, ``{x:.2f}``, ``{p:.1%}`` and the like; other fields as they are."""

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and format_spec:
            return format_number(value, format_spec, "ru")
        return format(value, format_spec)


_RU = _RussianNumbers()


def t(key: str, /, *, lang: str | None = None, **params: object) -> str:
    """The text ``key`` in ``lang`` (default: the current language), formatted with ``params``
    (in Russian, numbers with a format are written the Russian way: ``1 234,56``)."""
    lang = lang or current_lang()
    entry = TEXTS[key]
    template = entry.get(lang) or entry["en"]
    if not params:
        return template
    return _RU.format(template, **params) if lang == "ru" else template.format(**params)
