"""Demo profile ``b2b-food``: a federal food producer selling to B2B clients.

The profile reproduces the structure a real client-base audit found at such a producer
(see DESIGN.md, "Definitions"): more than 15,000 known clients, ~600 reachable, ~250 active
(buying in the last 24 months), ~100 regular (orders on at least 2 dates in each of the last
two 12-month periods) and 18 key clients giving 70% of the active window's turnover.

How the shape is built
----------------------
Every customer belongs to one hidden group that fixes its life story relative to ``as_of``:

===========  =====  ==================================================================
group        size   story
===========  =====  ==================================================================
key          18     large chains / distributors, deliveries on fixed weekdays
regular      ~82    steady buyers on a buying cycle, in both of the last two years
new          ~46    first order within the active window (evenly spread), some stop again
churning     ~36    bought for a while, last order inside the active window
occasional   ~30    one or two orders a year
churned      ~270   bought for a while, last order before the active window
one-time     ~165   one or two orders, all through the history
lead         rest   contacted, never bought
===========  =====  ==================================================================

The base erodes smoothly rather than at the window boundary: churning and churned clients share
one density of last orders (growing into the past, exp(offset / 760 days)) with lifetimes of
months to years before it, one-time buyers are spread the same way, and new clients arrive all
through the history, so the monthly count of buying clients changes gradually and every
acquisition month has a cohort.

Order dates: key clients order on fixed weekdays (a few deliveries skipped, now and then an
extra one); everybody else buys on a rough cycle (gamma-distributed gaps, more regular for the
regular clients) in a time that runs with weekday, holiday and month-of-year intensity
(December peak, summer dip). Each order's lines come from the customer's own assortment (a
subset of the product lines, so there is white space), with line-specific seasonality
(beverages and sauces in summer, confectionery in December, ...): occasional buyers draw lines
at random, while key and regular clients reorder each SKU every few deliveries and a line
refills what was sold since the SKU was last ordered. Their sales follow the product lines'
seasons, damped or amplified per client: about a third of the key clients have flat demand
(monthly revenue CV <= 0.10, class X), a few live on the festive December table (Z), some grow
(one by a new contract), a couple decline. Prices follow yearly price lists (revised each
1 March) with contract discounts and monthly promotions; a few lines are returned (negative
lines, booked with the client's next delivery).

Revenue concentration is exact by construction: the window revenue of the key and regular
clients is calibrated (by scaling their quantities) to shares of the window's total, so that the
top 17 clients hold just under 70% and the top 18 just over it.

Reachability (a current contact person and an interaction in the last 365 days) is assigned per
group; customers that are not reachable either have no interaction in the last 365 days or, for
a few active ones, no current contact person (the person left).

Communications
--------------
Consents: most reachable customers, some other buyers and a few leads (website sign-ups) have an
e-mail consent record (mostly opt-in, with a promised frequency and content), some an SMS one;
an unsubscribe or a complaint adds an opt-out record on its date. Sends: a monthly e-mail
newsletter (first Tuesday, the last 18 months, no control group) to every opted-in address, and
the past campaigns of ``campaigns/*.yaml`` (``PAST_CAMPAIGNS``) with the control group of their
file's ``holdout`` (20-25%) recorded in ``sends`` (``group = "control"``, nothing opened). Every
address has an open propensity (some never open, some stop opening at some point and become
dormant), a click propensity, and small unsubscribe and complaint rates. The grill-season
campaign has a real effect: most of its treated active customers that would not have bought the
promoted lines (sausages, sauces, spices) in its 30-day window buy them (a line added to an
order they placed anyway, or a new order when that changes no structure figure); the autumn
catalogue has none. The campaign files are written for
``CAMPAIGNS_AS_OF``; for another ``as_of`` the campaigns keep their distance to ``as_of``.
These tables come from a random stream of their own, so the other tables are the same as
without them (but for the added order lines).

CX initiatives
--------------
Three initiative files (``initiatives/*.yaml``, :mod:`cxray.comms.initiative`) are copied to
the workspace by ``cxray demo``: ``horeca-manager-2025-11`` (satisfaction, the NPS of segment
HoReCa), ``self-service-portal-2025-03`` (cost: inbound inquiries of chains and distributors)
and ``linked-orders-2026-06`` (enabling, started five months before the default ``as_of``: too
young to judge). Only the satisfaction initiative has a real effect: from its start on, each
NPS answer of a HoReCa customer is raised by ``NPS_LIFT_POINTS`` = 2 points (at most 10) with
probability ``NPS_LIFT_SHARE`` = 0.8, drawn from a stream of its own (``[seed, 4]``), so every
other answer, comment and table is the same as without it. True effect in sample (seed 42,
default ``as_of``): 42 of the 59 HoReCa NPS answers after the start are raised, and their NPS
is 44.1 against -8.5 without the effect: +52.5 points. The cost initiative changes nothing
(its true effect is 0); the enabling one's metric is 1.0 before and after (every order of the
demo has a customer of the customers table).

Web events
----------
The site (``WEB_SITE``: an order portal under ``/portal`` and a catalogue under ``/catalog``
and ``/promo``) records the last ``WEB_DAYS`` = 365 days: part of the key, regular, new,
churning and occasional clients (``WEB_USERS``) visit it on one or two devices, at a fairly
regular rate of their own (``WEB_RATE`` sessions per 30 days, gamma gaps of shape 6), some from
a later first day. A device's first visit signs in (an ``identify`` after the login form; its
earlier page views carry no customer), later ones carry the customer and sign in again now and
then. A visit views the catalogue pages of the product lines the client buys and, in 35% of
the visits of two clients in three, of one of one or two lines it does not buy (white space),
clicks "В корзину" (``button.buy``; "Add to cart" on one click in ten) and, in 45% of the
visits, sends the order form (``form#order``). ``WEB_ANONYMOUS`` = 400 visitors browse without
ever signing in. ``WEB_FALLS`` = 4 clients, two key and two regular, visit a tenth as often in
the last 60 days, so the ``portal_activity_fell`` alert finds them (seed 42, default
``as_of``: C03596 and C12387, key; C01829 and C13172, regular; no other client). About 44,000
events; ``cxray demo`` sets ``web_line_pages`` (``WEB_LINE_PAGES``), the actions of
``WEB_ACTIONS`` and the funnel setting ``web_funnel`` (``WEB_FUNNEL``). The events come from a
stream of their own (``[seed, 5]``), so every other table is the same as without them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cxray.demo.dates import DEFAULT_AS_OF
from cxray.ingest.schema import TABLES

HISTORY_MONTHS = 60  # order history length before as_of
LEAD_HISTORY_DAYS = 3650  # oldest first contact
CHURN_TAU = 760.0  # days; the density of churned clients' last orders grows as exp(offset / tau)
ONETIME_TAU = 1100.0  # days; likewise for the dates of one-time buyers

# --- hidden customer groups -------------------------------------------------------------
KEY, REG, NEW, CHURNING, OCC, CHURNED, ONETIME, LEAD = range(8)
ORDERING = (KEY, REG, NEW, CHURNING, OCC, CHURNED, ONETIME)

# --- segments, regions, people ----------------------------------------------------------
SEGMENTS = (
    "Розничные сети",
    "Дистрибьюторы",
    "Опт",
    "HoReCa",
    "Интернет-магазины",
    "Независимая розница",
)
# segment probabilities per group (rows: KEY, REG, NEW, CHURNING, OCC, CHURNED, ONETIME, LEAD)
SEGMENT_P = np.array(
    [
        [0.55, 0.33, 0.12, 0.00, 0.00, 0.00],
        [0.18, 0.17, 0.20, 0.22, 0.10, 0.13],
        [0.06, 0.07, 0.15, 0.30, 0.14, 0.28],
        [0.06, 0.07, 0.15, 0.30, 0.14, 0.28],
        [0.06, 0.07, 0.15, 0.30, 0.14, 0.28],
        [0.04, 0.05, 0.14, 0.33, 0.12, 0.32],
        [0.04, 0.05, 0.14, 0.33, 0.12, 0.32],
        [0.04, 0.05, 0.14, 0.33, 0.12, 0.32],
    ]
)
# main order channel per segment
SEGMENT_CHANNELS = (
    ("edi", "manager"),
    ("edi", "manager", "email"),
    ("manager", "email"),
    ("manager", "b2b_portal"),
    ("b2b_portal", "edi"),
    ("manager", "b2b_portal", "email"),
)
SEGMENT_ROLES = (
    ("категорийный менеджер", "директор по закупкам", "закупщик", "логист"),
    ("менеджер по закупкам", "коммерческий директор", "логист", "бухгалтер"),
    ("менеджер по закупкам", "директор", "бухгалтер"),
    ("шеф-повар", "управляющий", "закупщик", "владелец"),
    ("категорийный менеджер", "менеджер по закупкам", "владелец"),
    ("владелец", "директор магазина", "товаровед", "бухгалтер"),
)

REGIONS = (
    ("Москва", 14),
    ("Московская область", 9),
    ("Санкт-Петербург", 8),
    ("Ленинградская область", 3),
    ("Новосибирская область", 4),
    ("Свердловская область", 4),
    ("Краснодарский край", 5),
    ("Республика Татарстан", 4),
    ("Нижегородская область", 3),
    ("Самарская область", 3),
    ("Ростовская область", 4),
    ("Челябинская область", 3),
    ("Республика Башкортостан", 3),
    ("Красноярский край", 2),
    ("Воронежская область", 2),
    ("Пермский край", 2),
    ("Волгоградская область", 2),
    ("Омская область", 2),
    ("Тюменская область", 2),
    ("Иркутская область", 2),
    ("Приморский край", 2),
    ("Ярославская область", 1),
    ("Тульская область", 1),
    ("Калининградская область", 1),
    ("Хабаровский край", 1),
)

SOURCE_CHANNELS = (
    ("exhibition", 0.18),
    ("cold_call", 0.22),
    ("website", 0.24),
    ("referral", 0.10),
    ("tender", 0.08),
    ("inbound_call", 0.12),
    ("marketplace", 0.06),
)

MANAGERS = (
    "Воронцова Ирина",  # the first three are key-account managers
    "Гаврилов Артём",
    "Шестакова Марина",
    "Белоусов Денис",
    "Ковригина Светлана",
    "Лаптев Максим",
    "Мельникова Ольга",
    "Нестеров Павел",
    "Рябова Екатерина",
    "Титов Роман",
    "Уварова Анна",
    "Фомин Игорь",
)

MALE_NAMES = (
    "Александр", "Алексей", "Андрей", "Дмитрий", "Евгений", "Иван", "Игорь", "Константин",
    "Максим", "Михаил", "Николай", "Олег", "Павел", "Роман", "Сергей", "Юрий", "Владимир",
    "Артём", "Денис", "Виктор",
)  # fmt: skip
FEMALE_NAMES = (
    "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Мария", "Екатерина",
    "Юлия", "Марина", "Людмила", "Анастасия", "Ксения", "Валентина", "Галина", "Дарья", "Вера",
)  # fmt: skip
# male forms; the female form adds "а"
SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров",
)  # fmt: skip
INITIALS = "АБВГДЕИКЛМНОПРСТФЮ"

NAME_ADJ = (
    "Северный", "Южный", "Волжский", "Уральский", "Сибирский", "Столичный", "Вкусный",
    "Добрый", "Свежий", "Золотой", "Торговый", "Продуктовый", "Семейный", "Городской",
    "Народный", "Новый", "Зелёный", "Русский", "Балтийский", "Невский", "Камский", "Донской",
    "Байкальский", "Алтайский", "Окский", "Дальний", "Верный", "Честный", "Щедрый", "Быстрый",
)  # fmt: skip
NAME_NOUN = (
    "Дом", "Двор", "Ряд", "Маркет", "Альянс", "Союз", "Продукт", "Мир", "Берег", "Край",
    "Стандарт", "Вкус", "Погребок", "Амбар", "Торг", "Базар", "Квартал", "Путь", "Регион",
    "Урожай",
)  # fmt: skip
NAME_WORD = (
    "Ромашка", "Магнолия", "Лидер", "Гранат", "Калинка", "Фортуна", "Меридиан", "Радуга",
    "Весна", "Ладья", "Арсенал", "Вектор", "Гарант", "Империя", "Колос", "Континент", "Оазис",
    "Олимп", "Орион", "Паллада", "Престиж", "Ресурс", "Сатурн", "Сигма", "Спектр", "Старт",
    "Тандем", "Формула", "Эталон", "Янтарь", "Атлант", "Бриз", "Восход", "Горизонт", "Дельта",
    "Зенит", "Кристалл", "Лотос", "Нива", "Полюс",
)  # fmt: skip
NAME_SUFFIX = (
    "-Трейд", "-Опт", "-Фуд", "-Логистик", " Плюс", "-М", "-Юг", "-Центр", "-Продукт", "-Снаб",
)  # fmt: skip

_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", " ": "-", "«": "", "»": "",
    }
)  # fmt: skip

# interaction (channel, kind, direction) and weights
INTERACTION_TYPES = (
    ("phone", "call", "outbound", 0.26),
    ("phone", "call", "inbound", 0.12),
    ("email", "offer", "outbound", 0.14),
    ("email", "newsletter", "outbound", 0.10),
    ("email", "inquiry", "inbound", 0.09),
    ("messenger", "inquiry", "inbound", 0.07),
    ("meeting", "visit", "outbound", 0.08),
    ("meeting", "presentation", "outbound", 0.04),
    ("email", "complaint", "inbound", 0.03),
    ("phone", "complaint", "inbound", 0.02),
    ("email", "tender", "inbound", 0.05),
)
FIRST_CONTACT_TYPE = {
    "exhibition": ("meeting", "first_contact", "inbound"),
    "cold_call": ("phone", "first_contact", "outbound"),
    "website": ("email", "first_contact", "inbound"),
    "referral": ("phone", "first_contact", "inbound"),
    "tender": ("email", "first_contact", "inbound"),
    "inbound_call": ("phone", "first_contact", "inbound"),
    "marketplace": ("email", "first_contact", "inbound"),
}

# --- seasonality ------------------------------------------------------------------------
# order intensity by month (Jan..Dec): December peak, summer dip
ORDER_SEASON = np.array([0.88, 0.92, 1.00, 1.00, 1.02, 0.92, 0.86, 0.90, 1.00, 1.04, 1.08, 1.22])
# key clients' delivery weekdays (0 = Monday), spread through the week; every weekday is
# equally likely overall, so months with five Mondays are not busier than others
DELIVERY_SCHEDULES = (
    (0,), (1,), (2,), (3,), (4,), (0, 3), (1, 4), (2, 4), (0, 2), (1, 3), (0, 2, 4), (1, 3, 4),
    (0, 1, 3),
)  # fmt: skip
DELIVERY_P = np.array([1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 2, 1, 1]) / 16
WEEKDAY_WEIGHT = np.array([1.20, 1.15, 1.15, 1.15, 1.10, 0.25, 0.0])  # Mon..Sun

# --- product lines ----------------------------------------------------------------------
# (code, name, median current price, popularity, brands, line seasonality Jan..Dec,
#  {category: (items, packs)})
PRODUCT_LINES = (
    (
        "MLK", "Молочная продукция", 95.0, 1.00, ("Деревенское утро", "Молочный край"),
        (1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.92, 1.0, 1.0, 1.0, 1.1),
        {
            "Молоко": (("Молоко 2,5%", "Молоко 3,2%", "Молоко топлёное 4%",
                        "Молоко безлактозное 1,5%"), ("0,9 л", "1 л", "1,4 л")),
            "Кефир и ряженка": (("Кефир 1%", "Кефир 3,2%", "Ряженка 4%", "Варенец 2,5%"),
                                ("0,5 л", "0,9 л")),
            "Йогурты": (("Йогурт клубника", "Йогурт персик", "Йогурт греческий",
                         "Биойогурт натуральный"), ("125 г", "270 г", "400 г")),
            "Творог и сметана": (("Творог 5%", "Творог 9%", "Сметана 15%", "Сметана 20%"),
                                 ("180 г", "350 г")),
            "Масло сливочное": (("Масло сливочное 72,5%", "Масло сливочное 82,5%"),
                                ("180 г", "400 г")),
        },
    ),
    (
        "SYR", "Сыры", 420.0, 0.80, ("Сырная долина", "Деревенское утро"),
        (0.95, 0.95, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 1.0, 1.0, 1.05, 1.4),
        {
            "Твёрдые сыры": (("Сыр Российский", "Сыр Пармезан", "Сыр Голландский"),
                             ("200 г", "1 кг")),
            "Полутвёрдые сыры": (("Сыр Гауда", "Сыр Маасдам", "Сыр Тильзитер", "Сыр Эдам"),
                                 ("200 г", "1 кг")),
            "Плавленые сыры": (("Сыр плавленый сливочный", "Сыр плавленый с грибами",
                                "Сыр колбасный копчёный"), ("90 г", "200 г", "400 г")),
            "Рассольные сыры": (("Брынза", "Сулугуни", "Моцарелла", "Сыр Фета"),
                                ("125 г", "250 г")),
        },
    ),
    (
        "KOL", "Колбасные изделия", 380.0, 0.90, ("Мясной двор", "Вкусно каждый день"),
        (0.9, 0.95, 1.0, 1.0, 1.15, 1.1, 1.05, 1.05, 0.95, 0.95, 1.0, 1.35),
        {
            "Варёные колбасы": (("Колбаса Докторская", "Колбаса Молочная", "Колбаса Любительская"),
                                ("400 г", "1 кг")),
            "Сосиски и сардельки": (("Сосиски Сливочные", "Сосиски Молочные", "Сардельки Говяжьи",
                                     "Колбаски для гриля"), ("330 г", "500 г", "1 кг")),
            "Копчёные колбасы": (("Сервелат Финский", "Салями Итальянская", "Колбаса Краковская"),
                                 ("300 г", "400 г")),
            "Деликатесы": (("Буженина", "Карбонад", "Грудинка копчёная", "Ветчина"),
                           ("300 г", "1 кг")),
        },
    ),
    (
        "ZAM", "Замороженные продукты", 260.0, 0.70, ("Северные пельмени", "Домашняя кухня"),
        (1.2, 1.15, 1.05, 0.95, 0.9, 0.85, 0.8, 0.8, 0.9, 1.0, 1.1, 1.25),
        {
            "Пельмени": (("Пельмени Сибирские", "Пельмени Домашние", "Пельмени из говядины"),
                         ("450 г", "900 г")),
            "Вареники": (("Вареники с картофелем", "Вареники с творогом", "Вареники с вишней"),
                         ("450 г", "900 г")),
            "Замороженные овощи": (("Смесь Мексиканская", "Брокколи", "Стручковая фасоль",
                                    "Овощи для супа"), ("400 г", "2,5 кг")),
            "Полуфабрикаты": (("Котлеты Домашние", "Блинчики с мясом", "Сырники",
                               "Наггетсы куриные"), ("300 г", "1 кг")),
        },
    ),
    (
        "KON", "Консервы", 160.0, 0.55, ("Сибирский погребок", "Вкусно каждый день"),
        (1.05, 1.0, 1.0, 0.95, 0.9, 0.85, 0.85, 0.9, 1.0, 1.1, 1.15, 1.25),
        {
            "Мясные консервы": (("Говядина тушёная", "Свинина тушёная", "Паштет печёночный"),
                                ("325 г", "525 г")),
            "Рыбные консервы": (("Сайра натуральная", "Шпроты в масле", "Горбуша натуральная"),
                                ("160 г", "250 г")),
            "Овощные консервы": (("Горошек зелёный", "Кукуруза сладкая", "Огурцы маринованные",
                                  "Икра кабачковая"), ("400 г", "720 мл")),
            "Фруктовые консервы": (("Персики в сиропе", "Ананасы кольцами", "Компот вишнёвый"),
                                   ("425 мл", "850 мл")),
        },
    ),
    (
        "SOU", "Соусы", 110.0, 0.50, ("Соусная лавка", "Деревенское утро"),
        (0.85, 0.85, 0.95, 1.05, 1.25, 1.3, 1.25, 1.2, 1.0, 0.9, 0.9, 1.2),
        {
            "Майонез": (("Майонез Провансаль 67%", "Майонез лёгкий 30%",
                         "Майонез на перепелином яйце"), ("200 мл", "400 мл", "800 мл")),
            "Кетчуп": (("Кетчуп томатный", "Кетчуп шашлычный", "Кетчуп чили"),
                       ("350 г", "800 г")),
            "Горчица и хрен": (("Горчица русская", "Горчица дижонская", "Хрен столовый"),
                               ("140 г", "250 г")),
            "Соусы для гриля": (("Соус барбекю", "Соус сырный", "Соус чесночный", "Соус терияки"),
                                ("250 г", "1 кг")),
        },
    ),
    (
        "HLB", "Хлебобулочные изделия", 65.0, 0.60, ("Пекарня №1", "Вкусно каждый день"),
        (1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.92, 0.95, 1.0, 1.0, 1.0, 1.1),
        {
            "Хлеб": (("Хлеб Бородинский", "Хлеб Дарницкий", "Хлеб зерновой"), ("300 г", "700 г")),
            "Батоны": (("Батон Нарезной", "Батон с отрубями"), ("300 г", "400 г")),
            "Сдоба": (("Булочка с маком", "Ватрушка с творогом", "Плюшка Московская",
                       "Круассан"), ("75 г", "300 г")),
            "Лаваш и лепёшки": (("Лаваш армянский", "Лепёшка тандырная"), ("200 г", "400 г")),
        },
    ),
    (
        "KND", "Кондитерские изделия", 180.0, 0.60, ("Сладкий край", "Вкусно каждый день"),
        (0.85, 1.15, 1.2, 0.95, 0.9, 0.75, 0.7, 0.8, 1.0, 1.05, 1.15, 1.6),
        {
            "Печенье": (("Печенье сахарное", "Печенье овсяное", "Крекер солёный"),
                        ("200 г", "500 г")),
            "Вафли": (("Вафли шоколадные", "Вафли лимонные"), ("200 г", "1 кг")),
            "Конфеты": (("Конфеты Птичье молоко", "Конфеты Трюфель", "Ассорти шоколадное",
                         "Ирис сливочный"), ("200 г", "1 кг")),
            "Пряники и торты": (("Пряники мятные", "Торт Медовик", "Торт Наполеон",
                                 "Рулет бисквитный"), ("350 г", "800 г")),
        },
    ),
    (
        "NAP", "Напитки", 120.0, 0.45, ("Летний сад", "Вкусно каждый день"),
        (0.7, 0.7, 0.8, 0.95, 1.2, 1.55, 1.7, 1.55, 1.0, 0.8, 0.75, 1.05),
        {
            "Соки и нектары": (("Сок яблочный", "Сок апельсиновый", "Нектар персиковый",
                                "Сок томатный"), ("0,2 л", "1 л", "2 л")),
            "Морсы": (("Морс клюквенный", "Морс брусничный"), ("0,5 л", "1 л")),
            "Квас": (("Квас хлебный", "Квас окрошечный"), ("1,5 л", "2 л")),
            "Вода и холодный чай": (("Вода питьевая", "Вода минеральная", "Чай холодный лимон"),
                                    ("0,5 л", "1,5 л")),
        },
    ),
    (
        "SNK", "Снеки", 90.0, 0.45, ("Хруст", "Вкусно каждый день"),
        (0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.25, 1.2, 1.0, 0.95, 0.95, 1.25),
        {
            "Чипсы": (("Чипсы со сметаной и луком", "Чипсы с солью", "Чипсы с паприкой"),
                      ("70 г", "150 г")),
            "Сухарики": (("Сухарики ржаные с чесноком", "Сухарики с холодцом и хреном"),
                         ("40 г", "100 г")),
            "Орехи и семечки": (("Арахис солёный", "Фисташки", "Семечки жареные", "Миндаль"),
                                ("50 г", "150 г", "300 г")),
        },
    ),
    (
        "GOT", "Готовые блюда", 240.0, 0.40, ("Домашняя кухня", "Вкусно каждый день"),
        (1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.92, 1.0, 1.05, 1.05, 1.2),
        {
            "Салаты": (("Салат Оливье", "Салат Цезарь", "Винегрет", "Сельдь под шубой"),
                       ("250 г", "1 кг")),
            "Первые блюда": (("Борщ", "Солянка мясная", "Суп куриный с лапшой"),
                             ("300 г", "1 кг")),
            "Вторые блюда": (("Плов с курицей", "Гречка с говядиной", "Макароны по-флотски",
                              "Голубцы"), ("300 г", "1 кг")),
            "Сэндвичи": (("Сэндвич с ветчиной и сыром", "Сэндвич с курицей"), ("150 г", "180 г")),
        },
    ),
    (
        "SPC", "Специи и приправы", 55.0, 0.30, ("Пряный мир", "Вкусно каждый день"),
        (0.9, 0.9, 0.95, 1.0, 1.2, 1.25, 1.2, 1.15, 1.0, 0.9, 0.9, 1.1),
        {
            "Приправы": (("Приправа для шашлыка", "Приправа для курицы", "Приправа для плова",
                          "Приправа универсальная"), ("15 г", "50 г", "500 г")),
            "Специи": (("Перец чёрный молотый", "Паприка", "Лавровый лист", "Куркума"),
                       ("10 г", "50 г")),
            "Смеси для маринада": (("Маринад для шашлыка", "Маринад лимонный"), ("80 г", "1 кг")),
        },
    ),
)  # fmt: skip

# product line affinity by segment (rows: SEGMENTS; columns: PRODUCT_LINES)
SEGMENT_LINE_AFFINITY = np.array(
    [
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.2, 1.3, 1.0, 0.6, 1.0, 1.0, 1.0, 0.6, 1.0],
        [0.8, 1.0, 1.2, 1.2, 1.5, 1.0, 0.5, 1.0, 1.0, 1.0, 0.3, 1.0],
        [1.2, 1.5, 1.1, 1.3, 0.8, 1.6, 1.0, 0.7, 0.8, 0.3, 0.3, 1.6],
        [0.8, 1.0, 1.0, 1.0, 0.8, 1.0, 0.6, 1.5, 1.5, 1.6, 1.5, 1.0],
        [1.3, 1.0, 1.2, 1.0, 1.0, 1.0, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0],
    ]
)

WINDOW_REVENUE = 3.9e9  # provisional revenue of the 24-month window, rubles (scale only)


# ========================================================================================
# calendar
# ========================================================================================


def _minus_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` months before ``d``, clamped to the month's end."""
    index = d.year * 12 + (d.month - 1) - months
    year, month = divmod(index, 12)
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


class _Calendar:
    """Day grid of the order history, indexed by offset = days before ``as_of`` (0 = as_of)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = np.datetime64(as_of, "D")
        # boundaries as offsets: a date is inside (bound, as_of] iff its offset < bound
        self.w12 = (as_of - _minus_months(as_of, 12)).days
        self.w24 = (as_of - _minus_months(as_of, 24)).days
        self.h = (as_of - _minus_months(as_of, HISTORY_MONTHS)).days
        dates = self.dates(np.arange(self.h + 1))
        month_start = dates.astype("datetime64[M]")
        months = month_start.astype(np.int64)
        self.month = months % 12  # 0 = January
        self.month_index = months - months.min()
        weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        self.weekday = weekday  # 0 = Monday
        day_of_month = (dates - month_start.astype("datetime64[D]")).astype(np.int64) + 1
        year = months // 12 + 1970
        price_year = year - (self.month < 2)  # price lists are revised each 1 March
        self.version = price_year - price_year.min()
        holidays = (self.month == 0) & (day_of_month <= 8)  # Russian New Year holidays
        intensity = ORDER_SEASON[self.month] * WEEKDAY_WEIGHT[weekday] * np.where(holidays, 0, 1)
        self.intensity = intensity / intensity.mean()

    def dates(self, offsets: np.ndarray) -> np.ndarray:
        return self.as_of - np.asarray(offsets, dtype=np.int64).astype("timedelta64[D]")


def _to_datetime(cal: _Calendar, offsets: np.ndarray) -> np.ndarray:
    return cal.dates(offsets).astype("datetime64[ns]")


def _weighted(rng: np.random.Generator, n: int, pairs) -> np.ndarray:
    """``n`` indices drawn with the weights of ``pairs`` (sequence of (value, weight))."""
    w = np.array([p[-1] for p in pairs], dtype=float)
    return rng.choice(len(pairs), size=n, p=w / w.sum())


def _top_k(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Boolean mask choosing ``k[i]`` columns of row ``i`` without replacement, by weight.

    Efraimidis-Spirakis keys log(u) / w; zero weights are never chosen.
    """
    u = rng.random(weights.shape)
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, np.log(u) / np.where(weights > 0, weights, 1.0), -np.inf)
    k = np.minimum(k, (weights > 0).sum(axis=1))
    order = np.argsort(-keys, axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(weights.shape[1])[None, :], axis=1)
    return rank < k[:, None]


# ========================================================================================
# products
# ========================================================================================


def _products(rng: np.random.Generator, cal: _Calendar) -> tuple[pd.DataFrame, dict]:
    rows = []  # sku, name, line index, category, brand, base price
    for li, (code, _line, median, _pop, brands, _season, cats) in enumerate(PRODUCT_LINES):
        combos = [
            (cat, item, pack_i, pack, brand)
            for cat, (items, packs) in cats.items()
            for item in items
            for pack_i, pack in enumerate(packs)
            for brand in brands
        ]
        n = min(int(rng.integers(22, 31)), len(combos))
        pick = np.sort(rng.choice(len(combos), size=n, replace=False))
        for j, ci in enumerate(pick):
            cat, item, pack_i, pack, brand = combos[ci]
            economy = brand == "Вкусно каждый день"
            price = median * np.exp(rng.normal(0, 0.3)) * (1 + 0.6 * pack_i)
            price = max(round(price * (0.8 if economy else 1) / 10) * 10 - 0.1, 9.9)
            rows.append((f"{code}-{j + 1:03d}", f"{item} «{brand}» {pack}", li, cat, brand, price))
    n_sku = len(rows)
    line = np.array([r[2] for r in rows])
    base = np.array([r[5] for r in rows])

    # yearly price lists: index per line and version, current list (last version) = base
    n_versions = int(cal.version.max()) + 1
    growth = 1 + rng.uniform(0.04, 0.11, (len(PRODUCT_LINES), n_versions))
    growth[:, 0] = 1
    index = np.cumprod(growth, axis=1)
    ratio = index / index[:, -1:]
    price_tab = np.round(base[:, None] * ratio[line], 1)
    price_tab[:, -1] = base
    # unit cost below every price list the SKU ever had
    cost = np.round(price_tab.min(axis=1) * rng.uniform(0.6, 0.85, n_sku), 2)

    # assortment changes: some SKUs launched during the history, some delisted
    launch = np.full(n_sku, cal.h + 1)  # available for offsets <= launch
    delist = np.full(n_sku, -1)  # available for offsets >= delist
    kind = rng.random(n_sku)
    new = kind < 0.08
    launch[new] = rng.integers(60, cal.h - 60, new.sum())
    gone = (kind >= 0.08) & (kind < 0.14)
    delist[gone] = rng.integers(30, cal.h - 200, gone.sum())
    popularity = np.exp(rng.normal(0, 0.8, n_sku))
    # one flagship SKU per line, always available: every buyer of the line buys it
    anchor = np.empty(len(PRODUCT_LINES), dtype=np.int64)
    for li in range(len(PRODUCT_LINES)):
        always = np.flatnonzero((line == li) & ~new & ~gone)
        anchor[li] = always[np.argmax(popularity[always])]

    frame = pd.DataFrame(
        {
            "sku": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "product_line": [PRODUCT_LINES[r[2]][1] for r in rows],
            "category": [r[3] for r in rows],
            "brand": [r[4] for r in rows],
            "unit_cost": cost.astype(np.float64),
        }
    )
    info = {
        "sku": frame["sku"].tolist(),
        "line": line,
        "price": price_tab,
        "launch": launch,
        "delist": delist,
        "popularity": popularity,
        "anchor": anchor,
        "season": np.array([p[5] for p in PRODUCT_LINES]),  # lines x months
    }
    return frame, info


# ========================================================================================
# customers
# ========================================================================================


def _company_names(rng: np.random.Generator, segment: np.ndarray, group: np.ndarray) -> list[str]:
    n = len(segment)
    form_roll = rng.random(n)
    small = np.isin(segment, (3, 5))  # HoReCa, independent retail: many sole traders
    ip = (form_roll < np.where(small, 0.45, 0.12)) & (group != KEY)
    ao = ~ip & (rng.random(n) < np.where(group == KEY, 0.35, 0.04))
    style = rng.random(n)
    adj = rng.integers(0, len(NAME_ADJ), n)
    noun = rng.integers(0, len(NAME_NOUN), n)
    word = rng.integers(0, len(NAME_WORD), n)
    suffix = rng.integers(0, len(NAME_SUFFIX), n)
    surname = rng.integers(0, len(SURNAMES), n)
    female = rng.random(n) < 0.4
    init = rng.integers(0, len(INITIALS), (n, 2))
    names = []
    for i in range(n):
        if ip[i]:
            s = SURNAMES[surname[i]] + ("а" if female[i] else "")
            names.append(f"ИП {s} {INITIALS[init[i, 0]]}. {INITIALS[init[i, 1]]}.")
            continue
        if style[i] < 0.5:
            core = f"{NAME_ADJ[adj[i]]} {NAME_NOUN[noun[i]]}"
        elif style[i] < 0.8:
            core = NAME_WORD[word[i]] + NAME_SUFFIX[suffix[i]]
        else:
            core = NAME_WORD[word[i]]
        names.append(f"{'АО' if ao[i] else 'ООО'} «{core}»")
    return names


def _slug(name: str) -> str:
    core = name.split("«")[-1].rstrip("»") if "«" in name else name.split()[1] + "-ip"
    return "".join(ch for ch in core.lower().translate(_TRANSLIT) if ch.isalnum() or ch == "-")


def _exp_offsets(rng: np.random.Generator, n: int, lo: float, hi: float, tau: float) -> np.ndarray:
    """``n`` offsets in [lo, hi) with density proportional to exp(offset / tau).

    A density growing with the offset means more events further in the past: the base was
    larger then and has been eroding since, smoothly.
    """
    a, b = np.exp(lo / tau), np.exp(hi / tau)
    return np.floor(tau * np.log(a + rng.random(n) * (b - a))).astype(np.int64)


def _exp_mass(lo: float, hi: float, tau: float) -> float:
    return tau * (np.exp(hi / tau) - np.exp(lo / tau))


def _churn_ranges(cal: _Calendar) -> tuple[tuple[int, int], tuple[int, int]]:
    """Last-order offset ranges of the churning (inside the window) and churned clients."""
    return (cal.w12 - 60, cal.w24 - 10), (cal.w24, cal.h - 20)


def _groups(rng: np.random.Generator, cal: _Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Hidden group per customer and the reachable flag."""

    def jitter(n: float, spread: float) -> int:
        return int(round(n * rng.uniform(1 - spread, 1 + spread)))

    # churning and churned clients share one last-order density (see _customers), so their
    # numbers are (up to a little noise) in the ratio of its mass inside and before the window
    inside, before = _churn_ranges(cal)
    ratio = _exp_mass(*before, CHURN_TAU) / _exp_mass(*inside, CHURN_TAU)
    sizes = {KEY: 18, REG: jitter(82, 0.04), NEW: jitter(46, 0.07), CHURNING: jitter(36, 0.07)}
    sizes[OCC] = jitter(30, 0.07)
    sizes[CHURNED] = jitter(sizes[CHURNING] * ratio, 0.03)
    sizes[ONETIME] = jitter(165, 0.07)
    total = jitter(15500, 0.005)
    sizes[LEAD] = total - sum(sizes.values())
    reach = {
        KEY: sizes[KEY],
        REG: sizes[REG] - int(rng.integers(2, 5)),
        NEW: int(round(0.9 * sizes[NEW])),
        CHURNING: int(round(0.55 * sizes[CHURNING])),
        OCC: int(round(0.65 * sizes[OCC])),
        CHURNED: int(round(0.13 * sizes[CHURNED])),
        ONETIME: int(round(0.05 * sizes[ONETIME])),
    }
    reach[LEAD] = jitter(600, 0.03) - sum(reach.values())
    group = np.concatenate([np.full(sizes[g], g) for g in sorted(sizes)])
    reachable = np.concatenate(
        [rng.permutation(np.arange(sizes[g]) < reach[g]) for g in sorted(sizes)]
    )
    perm = rng.permutation(total)
    return group[perm], reachable[perm]


def _customers(rng: np.random.Generator, cal: _Calendar) -> dict:
    group, reachable = _groups(rng, cal)
    n = len(group)
    segment = np.empty(n, dtype=np.int64)
    for g in range(8):
        idx = np.flatnonzero(group == g)
        segment[idx] = rng.choice(len(SEGMENTS), size=len(idx), p=SEGMENT_P[g])
    region = _weighted(rng, n, REGIONS)
    source = _weighted(rng, n, SOURCE_CHANNELS)
    names = _company_names(rng, segment, group)

    # life story as offsets (days before as_of): first order `start`, last possible `end`
    start = np.zeros(n, dtype=np.int64)
    end = np.zeros(n, dtype=np.int64)
    h, w12, w24 = cal.h, cal.w12, cal.w24

    def pick(g: int) -> np.ndarray:
        return np.flatnonzero(group == g)

    # key and regular clients: with us since before the history starts, or acquired later;
    # a few regular ones stopped lately (still regular: two dates in each year before that)
    for g in (KEY, REG):
        idx = pick(g)
        since_start = rng.random(len(idx)) < (0.8 if g == KEY else 0.55)
        later = rng.integers((w24 + 200) if g == KEY else (w12 + 90), h, len(idx))
        start[idx] = np.where(since_start, h, later)
    idx = pick(REG)
    stopped = idx[rng.random(len(idx)) < 0.1]
    end[stopped] = rng.integers(45, w12 - 120, len(stopped))
    # new clients: acquired evenly over the window; those acquired in its first year that are
    # not regular stopped within that year, the others buy on or stop at some point
    idx = pick(NEW)
    start[idx] = rng.integers(15, w24 - 5, len(idx))
    lifetime = np.where(
        rng.random(len(idx)) < 0.3, 0, rng.exponential(540, len(idx)).astype(np.int64)
    )
    first_year = start[idx] >= w12 + 45
    lifetime = np.where(first_year, np.minimum(lifetime, start[idx] - w12), lifetime)
    end[idx] = np.maximum(0, start[idx] - lifetime)
    # churning (last order inside the window) and churned (before it): one last-order density,
    # growing into the past; lifetimes (first to last order) spread over years
    (lo_in, hi_in), (lo_out, hi_out) = _churn_ranges(cal)
    for g, lo, hi, median in ((CHURNING, lo_in, hi_in, 720), (CHURNED, lo_out, hi_out, 420)):
        idx = pick(g)
        end[idx] = _exp_offsets(rng, len(idx), lo, hi, CHURN_TAU)
        lifetime = np.maximum(60, rng.lognormal(np.log(median), 0.8, len(idx))).astype(np.int64)
        start[idx] = np.minimum(h, end[idx] + lifetime)
    idx = pick(OCC)
    start[idx] = rng.integers(30, h, len(idx))
    # one-time buyers: all through the history, more of them in the past
    idx = pick(ONETIME)
    start[idx] = _exp_offsets(rng, len(idx), 10, h + 1, ONETIME_TAU)
    end[idx] = np.maximum(0, start[idx] - rng.integers(20, 120, len(idx)))

    # first contact: before the first order; leads that are not reachable were last worked
    # more than a year ago, so their first contact is too
    first_contact = start + rng.integers(0, 400, n)
    old = (group <= REG) & (start == h)
    first_contact[old] = h + rng.integers(0, 1500, old.sum())
    lead = group == LEAD
    fresh = lead & reachable & (rng.random(n) < 0.55)
    first_contact[lead] = (365 + (LEAD_HISTORY_DAYS - 365) * rng.random(lead.sum()) ** 1.3).astype(
        np.int64
    )
    first_contact[fresh] = rng.integers(0, 365, fresh.sum())

    manager = rng.integers(3, len(MANAGERS), n)
    manager[group == KEY] = rng.integers(0, 3, (group == KEY).sum())
    no_manager = (lead & ~reachable & (rng.random(n) < 0.6)) | (
        np.isin(group, (CHURNED, ONETIME)) & (rng.random(n) < 0.3)
    )

    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i + 1:05d}" for i in range(n)],
            "name": names,
            "segment": [SEGMENTS[s] for s in segment],
            "region": [REGIONS[r][0] for r in region],
            "first_contact_date": _to_datetime(cal, first_contact),
            "source_channel": [SOURCE_CHANNELS[s][0] for s in source],
            "account_manager": [None if no_manager[i] else MANAGERS[manager[i]] for i in range(n)],
        }
    )
    return {
        "frame": frame,
        "group": group,
        "reachable": reachable,
        "segment": segment,
        "source": source,
        "start": start,
        "end": end,
        "first_contact": first_contact,
    }


# ========================================================================================
# orders
# ========================================================================================


def _drift(kind: np.ndarray, param: np.ndarray, o: np.ndarray, cal: _Calendar) -> np.ndarray:
    """Volume multiplier at offset ``o``: 1 growing, 2 declining lately, 3 slow trend, 4 a step
    up about half a year ago (a new contract: more stores or lines listed)."""
    grow = 1 + param * np.clip((cal.w24 - o) / cal.w24, 0, 1)
    decline = 1 - param * np.clip((210 - o) / 150, 0, 1)
    trend = 1 + param * (cal.h - o) / cal.h
    step = 1 + param * np.clip((220 - o) / 45, 0, 1)
    f = np.select([kind == 1, kind == 2, kind == 3, kind == 4], [grow, decline, trend, step], 1.0)
    return np.clip(f, 0.2, None)


def _ensure_dates(rng, od: np.ndarray, lo: int, hi: int, need: int, cal: _Calendar) -> np.ndarray:
    """Add order days in offsets [lo, hi) until ``need`` distinct ones fall there."""
    have = int(((od >= lo) & (od < hi)).sum())
    if have >= need:
        return od
    free = np.setdiff1d(np.arange(lo, hi), od)
    free = free[cal.intensity[free] > 0]
    extra = rng.choice(free, size=min(need - have, len(free)), replace=False)
    return np.sort(np.concatenate([od, extra]))[::-1]


def _limit_dates(od: np.ndarray, lo: int, hi: int, keep: int = 1) -> np.ndarray:
    """Keep at most ``keep`` order days (the earliest) in offsets [lo, hi)."""
    inside = np.flatnonzero((od >= lo) & (od < hi))
    if len(inside) <= keep:
        return od
    earliest = inside[np.argsort(-od[inside])][:keep]
    drop = np.setdiff1d(inside, earliest)
    return np.delete(od, drop)


def _order_days(rng, g: int, i: int, p: dict, cal: _Calendar) -> np.ndarray:
    """Order offsets (descending = chronological) of ordering customer ``i`` of group ``g``."""
    start, end = p["start"][i], p["end"][i]
    if g == ONETIME:
        # the first order, sometimes a second one a few weeks later
        days = np.arange(end, start + 1)
        days = days[cal.intensity[days] > 0]
        if len(days) == 0:
            return days
        first = days[-1:]
        if rng.random() < 0.2 and len(days) > 1:
            first = np.concatenate([first, rng.choice(days[:-1], size=1)])
        return np.sort(first)[::-1]
    o = np.arange(end, start + 1)
    drift = _drift(p["drift_kind"][i : i + 1], p["drift_param"][i : i + 1], o, cal)
    if g == KEY:
        # deliveries on fixed weekdays, a few skipped, now and then an extra one
        on_schedule = p["schedule"][i][cal.weekday[o]]
        workday = (cal.weekday[o] < 5) & (cal.intensity[o] > 0)
        keep = np.minimum(p["keep"][i] * np.sqrt(drift), 0.98)
        prob = np.where(on_schedule, keep, 0.025 * drift) * workday
        od = o[rng.random(len(o)) < prob][::-1]
    else:
        # a rough buying cycle: gamma gaps (shape > 1: more regular than at random) in time
        # that runs with the calendar's intensity (no orders at weekends and holidays)
        rate = p["lam"][i] / 365 * cal.intensity[o[::-1]] * np.sqrt(drift[::-1])
        clock = np.cumsum(rate)
        shape = p["cycle_shape"][i]
        gaps = rng.gamma(shape, 1 / shape, int(clock[-1] * 1.5) + 10)
        # the first order opens the story unless it began before the history
        phase = gaps[0] * (rng.random() if start >= cal.h else 1.0)
        times = np.cumsum(gaps) - phase
        times = np.maximum(times[times < clock[-1]], 1e-9)
        od = np.unique(o[::-1][np.searchsorted(clock, times)])[::-1]
    w12, w24 = cal.w12, cal.w24
    if g in (KEY, REG):
        od = _ensure_dates(rng, od, max(end, 0), w12, 2, cal)
        od = _ensure_dates(rng, od, max(end, w12), min(w24, start + 1), 2, cal)
    elif g == NEW:
        od = np.unique(np.concatenate([od, [start]]))[::-1]  # the first order opens the story
        od = _limit_dates(od, w12, w24)
    elif g == CHURNING:
        od = _ensure_dates(rng, od, end, min(w24, start + 1), 1, cal)
        od = _limit_dates(od, 0, w12)
    elif g == OCC:
        od = _ensure_dates(rng, od, 0, min(w24, start + 1), 1, cal)
        n1 = ((od >= 0) & (od < w12)).sum()
        n0 = ((od >= w12) & (od < w24)).sum()
        if n1 >= 2 and n0 >= 2:
            od = _limit_dates(od, *((0, w12) if rng.random() < 0.5 else (w12, w24)))
    elif g == CHURNED:
        od = _ensure_dates(rng, od, end, start + 1, 1, cal)
    return od


def _order_params(rng: np.random.Generator, cust: dict, cal: _Calendar) -> dict:
    """Per ordering customer: assortment, frequency, basket size, revenue scale, drift."""
    group = cust["group"]
    ids = np.flatnonzero(np.isin(group, ORDERING))
    g = group[ids]
    m = len(ids)

    def by_group(values: dict) -> np.ndarray:
        out = np.zeros(m)
        for grp, fn in values.items():
            sel = g == grp
            out[sel] = fn(sel.sum())
        return out

    lam = by_group(
        {
            KEY: lambda k: np.full(k, 100.0),  # set by the delivery schedule below
            REG: lambda k: np.clip(np.exp(rng.normal(np.log(16), 0.45, k)), 5, 40),
            NEW: lambda k: np.clip(np.exp(rng.normal(np.log(8), 0.6, k)), 2, 30),
            CHURNING: lambda k: np.clip(np.exp(rng.normal(np.log(8), 0.5, k)), 3, 24),
            OCC: lambda k: rng.uniform(0.6, 2.0, k),
            CHURNED: lambda k: np.clip(np.exp(rng.normal(np.log(6), 0.8, k)), 1, 40),
            ONETIME: lambda k: np.ones(k),
        }
    )
    mu = by_group(
        {
            KEY: lambda k: rng.uniform(12, 22, k),
            REG: lambda k: rng.uniform(5, 12, k),
            NEW: lambda k: rng.uniform(2.5, 7, k),
            CHURNING: lambda k: rng.uniform(2.5, 7, k),
            OCC: lambda k: rng.uniform(2, 6, k),
            CHURNED: lambda k: rng.uniform(2.5, 8, k),
            ONETIME: lambda k: rng.uniform(1.5, 5, k),
        }
    )
    n_prod_lines = by_group(
        {
            KEY: lambda k: rng.integers(7, 13, k),
            REG: lambda k: rng.integers(3, 9, k),
            NEW: lambda k: rng.integers(2, 7, k),
            CHURNING: lambda k: rng.integers(2, 7, k),
            OCC: lambda k: rng.integers(2, 6, k),
            CHURNED: lambda k: rng.integers(2, 7, k),
            ONETIME: lambda k: rng.integers(1, 4, k),
        }
    ).astype(np.int64)
    sku_share = by_group(
        {
            KEY: lambda k: rng.uniform(0.15, 0.35, k),
            REG: lambda k: rng.uniform(0.06, 0.18, k),
            NEW: lambda k: rng.uniform(0.08, 0.25, k),
            CHURNING: lambda k: rng.uniform(0.08, 0.25, k),
            OCC: lambda k: rng.uniform(0.05, 0.2, k),
            CHURNED: lambda k: rng.uniform(0.08, 0.25, k),
            ONETIME: lambda k: rng.uniform(0.03, 0.1, k),
        }
    )
    # yearly revenue scale (rubles); key and regular are calibrated later anyway
    annual = by_group(
        {
            KEY: lambda k: np.full(k, 0.04 * WINDOW_REVENUE / 2),
            REG: lambda k: np.full(k, 0.0025 * WINDOW_REVENUE / 2),
            NEW: lambda k: np.exp(np.clip(rng.normal(0, 0.9, k), -2.5, 1.6)) * 2.5e6,
            CHURNING: lambda k: np.exp(np.clip(rng.normal(0, 0.8, k), -2.5, 1.6)) * 3e6,
            OCC: lambda k: np.exp(np.clip(rng.normal(0, 0.7, k), -2.5, 1.6)) * 2e5 * 1.3,
            CHURNED: lambda k: np.exp(np.clip(rng.normal(0, 1.0, k), -2.5, 1.8)) * 6e5,
            ONETIME: lambda k: np.exp(np.clip(rng.normal(0, 0.8, k), -2.5, 2.0)) * 8e4,
        }
    )
    # a few former key clients among the churned: big, frequent, broad, and gone
    former = np.flatnonzero(g == CHURNED)[:3]
    lam[former] = rng.uniform(40, 70, len(former))
    mu[former] = rng.uniform(12, 18, len(former))
    n_prod_lines[former] = rng.integers(8, 12, len(former))
    sku_share[former] = rng.uniform(0.3, 0.5, len(former))
    annual[former] = rng.uniform(1.5e7, 3e7, len(former))

    # volume drift: growing / declining key clients, slow trends elsewhere
    drift_kind = np.full(m, 3)
    drift_param = np.clip(rng.normal(0, 0.25, m), -0.5, 0.6)
    # how strongly a customer's volumes follow the seasons (1 = the lines' own seasonality)
    season_amp = np.where(g == REG, rng.uniform(0.5, 1.3, m), 1.0)
    # key clients: deliveries on fixed weekdays; the steadiest (about a third) have flat demand
    # and daily deliveries, a few follow the seasons strongly, some grow (one of them by a new
    # contract half a year ago), a couple decline
    key = rng.permutation(np.flatnonzero(g == KEY))
    n_grow = int(rng.integers(5, 8))
    grow, decline, flat = key[:n_grow], key[n_grow : n_grow + 2], key[n_grow + 2 :]
    n_steady = (len(flat) + 1) // 2
    steady, n_strong = flat[:n_steady], int(rng.integers(2, 4))
    strong, moderate = flat[n_steady : n_steady + n_strong], flat[n_steady + n_strong :]
    drift_kind[grow] = 1
    drift_param[grow] = rng.uniform(0.35, 1.0, len(grow))
    drift_kind[grow[0]] = 4
    drift_param[grow[0]] = rng.uniform(0.5, 0.8)
    drift_kind[decline] = 2
    drift_param[decline] = rng.uniform(0.4, 0.5, len(decline))
    drift_param[flat] = np.clip(rng.normal(0, 0.08, len(flat)), -0.15, 0.15)
    season_amp[steady] = rng.uniform(0.1, 0.3, len(steady))
    season_amp[moderate] = rng.uniform(0.5, 0.8, len(moderate))
    season_amp[strong] = rng.uniform(1.3, 1.8, len(strong))
    season_amp[grow] = rng.uniform(0.4, 0.9, len(grow))
    season_amp[decline] = rng.uniform(0.6, 1.0, len(decline))
    schedule = np.zeros((m, 7), dtype=bool)
    for i in key:
        if i in steady:
            days = (0, 1, 2, 3, 4)  # daily deliveries of a chain's fresh assortment
        else:
            days = DELIVERY_SCHEDULES[rng.choice(len(DELIVERY_SCHEDULES), p=DELIVERY_P)]
        schedule[i, list(days)] = True
    keep = rng.uniform(0.85, 0.95, m)
    n_days = schedule[key].sum(axis=1)
    lam[key] = n_days * 50 * keep[key]
    mu[key] = mu[key] * 3 / n_days  # the same lines a week: fewer deliveries, bigger orders
    noise = np.select([g == KEY, g == REG], [0.08, 0.12], 0.45)  # line volume noise
    # regularity of the buying cycle (gamma shape of the gaps between orders)
    cycle_shape = np.where(g == REG, rng.uniform(4, 10, m), rng.uniform(2, 4, m))
    line_rev = annual / (lam * mu)

    # contract discounts
    contract = np.where(g == KEY, np.round(rng.uniform(0.03, 0.10, m), 2), 0.0)
    reg_disc = (g == REG) & (rng.random(m) < 0.5)
    contract[reg_disc] = np.round(rng.uniform(0.02, 0.06, reg_disc.sum()), 2)
    other_disc = (g > REG) & (rng.random(m) < 0.15)
    contract[other_disc] = np.round(rng.uniform(0.02, 0.04, other_disc.sum()), 2)

    seg = cust["segment"][ids]
    channel = np.array(
        [SEGMENT_CHANNELS[s][0] if r < 0.85 else SEGMENT_CHANNELS[s][-1]
         for s, r in zip(seg, rng.random(m), strict=True)]
    )  # fmt: skip

    # product lines bought: weighted by popularity and segment affinity
    line_w = np.array([p[3] for p in PRODUCT_LINES])[None, :] * SEGMENT_LINE_AFFINITY[seg]
    lines_bought = _top_k(rng, line_w, n_prod_lines)
    # the strongly seasonal key clients live on the festive table: confectionery, cheese, deli
    festive = [i for i, line in enumerate(PRODUCT_LINES) if line[0] in ("KND", "SYR", "KOL")]
    lines_bought[np.ix_(strong, festive)] = True
    line_pref = np.exp(rng.normal(0, 0.7, (m, len(PRODUCT_LINES)))) * lines_bought
    line_pref[np.ix_(strong, festive)] *= 10

    return {
        "ids": ids,
        "group": g,
        "start": cust["start"][ids],
        "end": cust["end"][ids],
        "lam": lam,
        "mu": mu,
        "sku_share": sku_share,
        "line_rev": line_rev,
        "drift_kind": drift_kind,
        "drift_param": drift_param,
        "season_amp": season_amp,
        "schedule": schedule,
        "keep": keep,
        "noise": noise,
        "cycle_shape": cycle_shape,
        "contract": contract,
        "channel": channel,
        "lines_bought": lines_bought,
        "line_pref": line_pref,
    }


def _assortment(rng: np.random.Generator, p: dict, sku: dict) -> np.ndarray:
    """Weight matrix (ordering customers x SKUs); zero = the customer never buys the SKU."""
    line = sku["line"]
    pop = sku["popularity"]
    in_line = p["lines_bought"][:, line]
    rel = np.sqrt(pop) / np.sqrt(pop).mean()
    chosen = in_line & (rng.random(in_line.shape) < np.clip(p["sku_share"][:, None] * rel, 0, 1))
    chosen[:, sku["anchor"]] |= p["lines_bought"]
    return chosen * pop[None, :] * p["line_pref"][:, line]


def _orders(rng: np.random.Generator, cust: dict, sku: dict, cal: _Calendar) -> pd.DataFrame:
    p = _order_params(rng, cust, cal)
    weights = _assortment(rng, p, sku)
    line_of, season = sku["line"], sku["season"]

    cust_parts, off_parts, sku_parts = [], [], []
    for i, g in enumerate(p["group"]):
        od = _order_days(rng, int(g), i, p, cal)
        if len(od) == 0:
            continue
        skus = np.flatnonzero(weights[i])
        w = weights[i, skus][None, :] * season[line_of[skus]][:, cal.month[od]].T
        available = (sku["launch"][skus][None, :] >= od[:, None]) & (
            sku["delist"][skus][None, :] <= od[:, None]
        )
        w = w * available
        if g in (KEY, REG):
            chosen = _cycles(rng, w, p["mu"][i])
        else:
            chosen = _top_k(rng, w, 1 + rng.poisson(p["mu"][i] - 1, len(od)))
        rows, cols = np.nonzero(chosen)
        cust_parts.append(np.full(len(rows), i))
        off_parts.append(od[rows])
        sku_parts.append(skus[cols])
    ci = np.concatenate(cust_parts)
    o = np.concatenate(off_parts)
    s = np.concatenate(sku_parts)

    # quantities, prices, discounts
    line = line_of[s]
    drift = _drift(p["drift_kind"][ci], p["drift_param"][ci], o, cal)
    price = sku["price"][s, cal.version[o]]
    pref = np.sqrt(p["line_pref"][ci, line])
    # occasional buyers buy as the need arises: their orders follow the calendar's seasonality,
    # each line's volume the season of its product line
    raw = p["line_rev"][ci] * season[line, cal.month[o]] * drift * pref
    raw = raw * np.exp(rng.normal(0, p["noise"][ci]))
    # key and regular clients replenish: a line refills what the client sold of the SKU since
    # it last ordered it
    steady = np.isin(p["group"][ci], (KEY, REG))
    if steady.any():
        raw[steady] = _replenishment(rng, p, weights, ci[steady], o[steady], s[steady], sku, cal)
    # volumes are set at current prices, so older revenue is deflated by the price lists
    raw = raw / sku["price"][s, -1]
    qty = np.maximum(1.0, np.rint(raw))
    promo = np.where(
        rng.random((len(PRODUCT_LINES), int(cal.month_index.max()) + 1)) < 0.07,
        rng.choice([0.05, 0.07, 0.10, 0.15], (len(PRODUCT_LINES), int(cal.month_index.max()) + 1)),
        0.0,
    )
    disc = np.round(np.minimum(p["contract"][ci] + promo[line, cal.month_index[o]], 0.3), 2)
    is_ret = np.zeros(len(o), dtype=bool)

    # returns: a few lines come back with the customer's next delivery (within 60 days)
    span = cal.h + 1
    key = ci * span + (cal.h - o)  # increasing in time within a customer
    uniq = np.unique(key)
    pos = np.searchsorted(uniq, key, side="right")
    nxt = uniq[np.minimum(pos, len(uniq) - 1)]
    ok = (pos < len(uniq)) & (nxt // span == ci) & (nxt - key <= 60)
    ret = np.flatnonzero(ok & (rng.random(len(o)) < 0.006))
    r_qty = -np.maximum(1.0, np.rint(qty[ret] * rng.uniform(0.05, 0.4, len(ret))))
    ci = np.concatenate([ci, ci[ret]])
    o = np.concatenate([o, cal.h - (nxt[ret] % span)])
    s = np.concatenate([s, s[ret]])
    qty = np.concatenate([qty, r_qty])
    price = np.concatenate([price, price[ret]])
    disc = np.concatenate([disc, disc[ret]])
    is_ret = np.concatenate([is_ret, np.ones(len(ret), dtype=bool)])

    qty = _calibrate(rng, p, ci, o, qty, price, disc, is_ret, cal)
    amount = np.round(qty * price * (1 - disc), 2)

    # documents: one sales order per customer and day, one return document per customer and day
    order = np.lexsort((s, ci, is_ret, -o))
    ci, o, s, qty, price, disc, amount, is_ret = (
        a[order] for a in (ci, o, s, qty, price, disc, amount, is_ret)
    )
    new_doc = np.ones(len(o), dtype=bool)
    new_doc[1:] = (o[1:] != o[:-1]) | (ci[1:] != ci[:-1]) | (is_ret[1:] != is_ret[:-1])
    doc = np.cumsum(new_doc) - 1
    doc_start = np.flatnonzero(new_doc)
    line_no = np.arange(len(o)) - doc_start[doc] + 1
    doc_ret = is_ret[doc_start]
    seq = np.where(doc_ret, np.cumsum(doc_ret), np.cumsum(~doc_ret))
    doc_ids = np.array(
        [f"{'RT' if r else 'SO'}-{n:07d}" for r, n in zip(doc_ret, seq, strict=True)], dtype=object
    )
    customer_ids = cust["frame"]["customer_id"].to_numpy(dtype=object)[p["ids"]]
    sku_ids = np.array(sku["sku"], dtype=object)

    return pd.DataFrame(
        {
            "order_id": doc_ids[doc].tolist(),
            "customer_id": customer_ids[ci].tolist(),
            "order_date": _to_datetime(cal, o),
            "amount": amount.astype(np.float64),
            "sku": sku_ids[s].tolist(),
            "quantity": qty.astype(np.float64),
            "list_price": price.astype(np.float64),
            "discount": disc.astype(np.float64),
            "channel": p["channel"][ci].tolist(),
            "line_no": line_no.astype(np.int64),
        }
    )


def _cycles(rng: np.random.Generator, w: np.ndarray, mu: float) -> np.ndarray:
    """Lines of a replenishing customer's orders (rows: orders in time order; columns: SKUs).

    Each SKU is ordered at a rate ``f`` per order proportional to its weight (``mu`` lines per
    order on average) and evenly spaced: on the orders where its running sum of ``f`` (from a
    random phase) passes a whole number. So a SKU comes back every few deliveries, as stock is
    replenished, rather than at random; every order has at least one line.
    """
    total = w.sum(axis=1, keepdims=True)
    f = np.minimum(w / np.where(total > 0, total, 1.0) * mu, 1.0)
    cum = np.cumsum(f, axis=0) + rng.random(w.shape[1])[None, :]
    chosen = (np.floor(cum) > np.floor(cum - f)) & (w > 0)
    empty = ~chosen.any(axis=1) & (total[:, 0] > 0)
    chosen[np.flatnonzero(empty), np.argmax(f[empty], axis=1)] = True
    return chosen


def _gaps(group: np.ndarray, o: np.ndarray, cap: float = 3.0) -> np.ndarray:
    """Days since the previous event of the same group (events sorted by group, then time).

    The first event of a group gets the group's median gap (1 without any), and long breaks
    are capped at ``cap`` times it (at least two weeks more than it, for the New Year holidays):
    stock is not refilled for months without sales.
    """
    first = np.ones(len(group), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    gap = np.empty(len(group))
    gap[1:] = o[:-1] - o[1:]
    gap[first] = np.nan
    median = pd.Series(gap).groupby(group).transform("median").fillna(1.0).to_numpy()
    return np.minimum(np.where(first, median, gap), np.maximum(cap * median, median + 14))


def _replenishment(rng, p: dict, weights: np.ndarray, ci, o, s, sku: dict, cal: _Calendar):
    """Line values (rubles at current prices) of replenishing customers' order lines.

    A customer sells each SKU of its assortment at a daily rate: its yearly volume split by
    the SKU weights, following the season of the SKU's product line and (half as strongly)
    the calendar's, both damped or amplified by the customer's ``season_amp``, and its drift.
    A line refills what was sold since the SKU was last ordered.
    """
    line = sku["line"][s]
    month = cal.month[o]
    season = sku["season"]
    calendar_ = np.sqrt(ORDER_SEASON[month] / ORDER_SEASON.mean())
    seasonal = (season[line, month] * calendar_) ** p["season_amp"][ci]
    drift = _drift(p["drift_kind"][ci], p["drift_param"][ci], o, cal)
    daily = p["line_rev"][ci] * p["lam"][ci] * p["mu"][ci] / 365
    share = weights[ci, s] / weights.sum(axis=1)[ci]
    pair = ci.astype(np.int64) * weights.shape[1] + s
    by_pair = np.lexsort((-o, pair))
    cover = np.empty(len(o))
    cover[by_pair] = _gaps(pair[by_pair], o[by_pair])
    noise = np.exp(rng.normal(0, p["noise"][ci]))
    return daily * share * seasonal * drift * cover * noise


def _calibrate(rng, p, ci, o, qty, price, disc, is_ret, cal: _Calendar) -> np.ndarray:
    """Scale key and regular clients' quantities so their window revenue hits set shares.

    The revenue of everybody else in the window (new, churning, occasional) is taken as it
    came out; it fixes the window total T = rest / rest_share. Key clients get shares with
    the top 17 just under 70% of T and the top 18 just over it; regular clients share what
    is left, each well below the smallest key client.
    """
    g = p["group"]
    m = len(g)
    in_window = o < cal.w24
    revenue = np.bincount(ci[in_window], weights=(qty * price * (1 - disc))[in_window], minlength=m)
    calibrated = np.isin(g, (KEY, REG))
    rest = revenue[~calibrated].sum()
    rest_share = rng.uniform(0.075, 0.09)
    total = rest / rest_share

    key = rng.permutation(np.flatnonzero(g == KEY))
    top18 = rng.uniform(0.712, 0.722)
    s18 = top18 - 0.70 + rng.uniform(0.006, 0.009)
    v = 0.85 ** np.arange(len(key) - 1) * np.exp(rng.normal(0, 0.1, len(key) - 1))
    v = np.sort(v)[::-1] / v.sum() * (top18 - len(key) * s18)
    share = np.zeros(m)
    share[key] = s18 + np.concatenate([v, [0.0]])

    reg = np.flatnonzero(g == REG)
    w = np.exp(rng.normal(0, 0.9, len(reg)))
    budget = 1 - top18 - rest_share
    cap = 0.55 * s18
    for _ in range(20):  # cap the largest, spread the excess over the others
        w = w / w.sum() * budget
        if w.max() <= cap:
            break
        w = np.minimum(w, cap)
        free = w < cap
        w[free] += (budget - w.sum()) * w[free] / w[free].sum()
    share[reg] = w

    factor = np.ones(m)
    factor[calibrated] = share[calibrated] * total / revenue[calibrated]
    scaled = np.rint(qty * factor[ci])
    scaled = np.where(is_ret, np.minimum(scaled, -1.0), np.maximum(scaled, 1.0))
    return np.where(calibrated[ci], scaled, qty)


# ========================================================================================
# contacts and interactions
# ========================================================================================


def _active_unreachable(cust: dict) -> np.ndarray:
    return np.isin(cust["group"], (KEY, REG, NEW, CHURNING, OCC)) & ~cust["reachable"]


def _contacts(rng: np.random.Generator, cust: dict, cal: _Calendar) -> pd.DataFrame:
    group, reachable = cust["group"], cust["reachable"]
    n = len(group)
    lost = _active_unreachable(cust)  # buying, but the contact person left
    count = np.where(
        reachable,
        1 + rng.poisson(np.where(group == KEY, 2.0, 0.6)),
        np.where(lost, 1 + rng.poisson(0.3, n), rng.poisson(0.9, n)),
    )
    owner = np.repeat(np.arange(n), count)
    first = np.ones(len(owner), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    roll = rng.random(len(owner))
    current = np.where(
        reachable[owner], first | (roll < 0.5), np.where(lost[owner], False, roll < 0.55)
    )
    fc = cust["first_contact"][owner]
    recent_cap = np.where(current & reachable[owner], np.minimum(fc, 700), fc)
    updated = (rng.random(len(owner)) * (recent_cap + 1)).astype(np.int64)

    female = rng.random(len(owner)) < 0.55
    first_name = np.where(
        female,
        np.array(FEMALE_NAMES, dtype=object)[rng.integers(0, len(FEMALE_NAMES), len(owner))],
        np.array(MALE_NAMES, dtype=object)[rng.integers(0, len(MALE_NAMES), len(owner))],
    )
    surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), len(owner))]
    surname = np.where(female, surname + "а", surname)
    seg = cust["segment"][owner]
    role_roll = rng.random(len(owner))
    names = cust["frame"]["name"].tolist()
    domains = {}
    email_roll = rng.random(len(owner))
    phone_roll = rng.random(len(owner))
    digits = rng.integers(0, 100, (len(owner), 4))
    contact_name, role, email, phone = [], [], [], []
    for j in range(len(owner)):
        c = owner[j]
        contact_name.append(f"{surname[j]} {first_name[j]}")
        roles = SEGMENT_ROLES[seg[j]]
        role.append(roles[int(role_roll[j] * len(roles))])
        if c not in domains:
            domains[c] = _slug(names[c]) + ".example"
        if email_roll[j] < 0.15:
            email.append(None)
        elif email_roll[j] < 0.3:
            email.append(f"zakaz@{domains[c]}")
        else:
            login = (first_name[j][0] + "." + surname[j]).lower().translate(_TRANSLIT)
            email.append(f"{login}@{domains[c]}")
        if phone_roll[j] < 0.1:
            phone.append(None)
        else:
            a, b, d, e = digits[j]
            phone.append(f"+7 9{a:02d} {b:02d}{d % 10}-{e:02d}-{(a + b) % 100:02d}")
    customer_ids = cust["frame"]["customer_id"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "customer_id": customer_ids[owner].tolist(),
            "contact_id": [f"CT-{j + 1:06d}" for j in range(len(owner))],
            "contact_name": contact_name,
            "role": role,
            "email": email,
            "phone": phone,
            "is_current": current.astype(bool),
            "updated_at": _to_datetime(cal, updated),
        }
    )


def _interactions(rng: np.random.Generator, cust: dict, cal: _Calendar) -> pd.DataFrame:
    group, reachable = cust["group"], cust["reachable"]
    fc = cust["first_contact"]
    n = len(group)
    rate_recent = np.array([20, 8, 5, 3, 2, 2, 2, 2], dtype=float)[group]
    rate_hist = np.array([20, 6, 4, 4, 2, 2, 0.7, 0.3], dtype=float)[group]
    lost = _active_unreachable(cust)

    # last 365 days: reachable customers have at least one; active customers whose contact
    # left may have some; nobody else has any
    n_recent = np.where(
        reachable, 1 + rng.poisson(rate_recent), np.where(lost, rng.poisson(rate_recent), 0)
    )
    hi_recent = np.minimum(364, fc)
    # older history, between the first contact and a year ago (leads: around first contact)
    lead = group == LEAD
    lo_hist = np.where(lead, np.maximum(365, fc - 365), 365)
    years = np.maximum(fc - lo_hist, 0) / 365
    n_hist = np.where(
        fc >= 365,
        np.where(lead, rng.poisson(1.2, n), rng.poisson(rate_hist * np.minimum(years, 8))),
        0,
    )

    owner = np.concatenate([np.repeat(np.arange(n), n_recent), np.repeat(np.arange(n), n_hist)])
    lo = np.concatenate([np.zeros(n_recent.sum(), dtype=np.int64), np.repeat(lo_hist, n_hist)])
    hi = np.concatenate([np.repeat(hi_recent, n_recent), np.repeat(fc, n_hist)])
    off = lo + (rng.random(len(owner)) * (hi - lo + 1)).astype(np.int64)
    typ = _weighted(rng, len(owner), INTERACTION_TYPES)
    channel = [INTERACTION_TYPES[t][0] for t in typ]
    kind = [INTERACTION_TYPES[t][1] for t in typ]
    direction = [INTERACTION_TYPES[t][2] for t in typ]

    # the first contact itself, for most customers
    with_first = rng.random(n) < 0.7
    first_owner = np.flatnonzero(with_first)
    for c in first_owner:
        ch, kd, dr = FIRST_CONTACT_TYPE[SOURCE_CHANNELS[cust["source"][c]][0]]
        channel.append(ch)
        kind.append(kd)
        direction.append(dr)
    owner = np.concatenate([owner, first_owner])
    off = np.concatenate([off, fc[first_owner]])

    customer_ids = cust["frame"]["customer_id"].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "customer_id": customer_ids[owner].tolist(),
            "date": _to_datetime(cal, off),
            "channel": channel,
            "kind": kind,
            "direction": direction,
        }
    )
    frame = frame.drop_duplicates(TABLES["interactions"].key)
    return frame.sort_values(["date", "customer_id"], kind="stable").reset_index(drop=True)


# ========================================================================================
# communications: consents, sends and the effect of past campaigns
# ========================================================================================

CAMPAIGN_DIR = Path(__file__).with_name("campaigns")
"""The demo's campaign files (YAML, the format of :mod:`cxray.comms`)."""
CAMPAIGNS_AS_OF = DEFAULT_AS_OF  # the date the campaign files are written for
"""The analysis date the campaign files are written for (the demo's default ``as_of``)."""
# the past campaigns among the files, with the share of their eligible treated customers who buy
# the promoted lines in the window thanks to the campaign (see _campaign_effects)
PAST_CAMPAIGNS = {"grill-season-2026-06": 0.95, "autumn-catalogue-2026-09": 0.0}
NEWSLETTER_MONTHS = 18  # monthly newsletters over the last months before as_of

EMAIL_FREQUENCIES = (("1/month", 0.35), ("2/month", 0.35), ("1/week", 0.2), ("4/month", 0.1))
SMS_FREQUENCIES = (("1/month", 0.6), ("2/month", 0.4))
EMAIL_CONTENT = (
    ("новости и акции", 0.5),
    ("прайс-листы и новинки", 0.3),
    ("только акции", 0.2),
)
CONSENT_SOURCES = (("website", 0.35), ("exhibition", 0.15), ("manager", 0.3), ("contract", 0.2))


def campaign_files() -> list[Path]:
    """The demo's campaign files, sorted by name."""
    return sorted(CAMPAIGN_DIR.glob("*.yaml"))


def _past_campaigns(cal: _Calendar) -> list[dict]:
    """The campaigns of ``PAST_CAMPAIGNS`` as read from their files, placed relative to as_of."""
    campaigns = []
    for path in campaign_files():
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if spec["id"] not in PAST_CAMPAIGNS:
            continue
        segments = None
        for rule in spec.get("audience") or []:
            if rule.startswith("segment in "):
                segments = [SEGMENTS.index(x) for x in yaml.safe_load(rule[len("segment in ") :])]
        campaigns.append(
            {
                "id": spec["id"],
                # days before as_of: the distance the file has to CAMPAIGNS_AS_OF
                "offset": (CAMPAIGNS_AS_OF - spec["start"]).days,
                "window": int(spec["brief"]["measure"]["window_days"]),
                "lines": list((spec.get("promoted") or {}).get("lines") or []),
                "holdout": float(spec["holdout"]),
                "segments": segments,
                "effect": PAST_CAMPAIGNS[spec["id"]],
            }
        )
    return campaigns


def _first_contact_of(contacts: pd.DataFrame, column: str) -> dict[str, str]:
    """Per customer, the contact to file a consent under: a current one with ``column`` first."""
    cand = contacts[contacts[column].notna()]
    cand = cand.assign(_old=~cand["is_current"]).sort_values(["customer_id", "_old", "contact_id"])
    cand = cand.drop_duplicates("customer_id")
    return dict(zip(cand["customer_id"], cand["contact_id"], strict=True))


def _consents(rng: np.random.Generator, cust: dict, contacts: pd.DataFrame, cal: _Calendar):
    """Consent records (e-mail and SMS) and the e-mail list (who opted in, and when)."""
    group, reachable, fc = cust["group"], cust["reachable"], cust["first_contact"]
    n = len(group)
    ordering = np.isin(group, ORDERING)
    ids = cust["frame"]["customer_id"].to_numpy(dtype=object)
    # who has a record: most reachable buyers, fewer reachable leads, some other buyers and a
    # few other leads (website sign-ups)
    p_email = np.where(reachable, np.where(ordering, 0.95, 0.6), np.where(ordering, 0.3, 0.025))
    p_sms = np.where(reachable, 0.45, np.where(ordering, 0.1, 0.005))
    channels = (
        ("email", p_email, "email", EMAIL_FREQUENCIES),
        ("sms", p_sms, "phone", SMS_FREQUENCIES),
    )
    parts = []
    audience = {}
    for channel, p_record, column, freqs in channels:
        record = rng.random(n) < p_record
        opt_in = record & (rng.random(n) < np.where(reachable, 0.9, 0.8))
        # given between the first contact and as_of, mostly early
        off = np.floor(fc * np.sqrt(rng.random(n))).astype(np.int64)
        freq = _weighted(rng, n, freqs)
        content = _weighted(rng, n, EMAIL_CONTENT)
        source = _weighted(rng, n, CONSENT_SOURCES)
        who = np.flatnonzero(record)
        contact_of = _first_contact_of(contacts, column)
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": ids[who].tolist(),
                    "channel": channel,
                    "status": np.where(opt_in[who], "opt_in", "opt_out").tolist(),
                    "contact_id": [contact_of.get(c) for c in ids[who]],
                    "promised_frequency": [
                        freqs[f][0] if i else None
                        for f, i in zip(freq[who], opt_in[who], strict=True)
                    ],
                    "promised_content": [
                        EMAIL_CONTENT[k][0] if i and channel == "email" else None
                        for k, i in zip(content[who], opt_in[who], strict=True)
                    ],
                    "source": [CONSENT_SOURCES[k][0] for k in source[who]],
                    "date": _to_datetime(cal, off[who]),
                }
            )
        )
        if channel == "email":
            listed = np.flatnonzero(opt_in)
            audience = {
                "idx": listed,
                "since": off[listed],
                "contact": [contact_of.get(c) for c in ids[listed]],
            }
    return pd.concat(parts, ignore_index=True), audience


def _newsletter_days(cal: _Calendar) -> list[tuple[str, int]]:
    """(campaign id, offset) of the monthly newsletters: first Tuesday of each month."""
    as_of = cal.as_of.astype(dt.date)
    days = []
    for back in range(NEWSLETTER_MONTHS):
        first = _minus_months(as_of.replace(day=1), back)
        tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
        if tuesday <= as_of:
            days.append((f"newsletter-{tuesday:%Y-%m}", (as_of - tuesday).days))
    return days


def _sends(rng: np.random.Generator, cust: dict, audience: dict, cal: _Calendar):
    """E-mail sends (newsletters and the past campaigns) and the opt-outs they caused."""
    idx, since = audience["idx"], audience["since"]
    m = len(idx)
    buyer = np.isin(cust["group"][idx], (KEY, REG, NEW, CHURNING, OCC))
    segment = cust["segment"][idx]
    kind = rng.random(m)
    p_open = np.minimum(rng.beta(2.2, 4.0, m) * np.where(buyer, 1.3, 1.0), 0.95)
    p_open[kind < 0.12] = 0.0  # never open
    fader = (kind >= 0.12) & (kind < 0.24)  # stop opening after some day
    fade_at = rng.integers(0, 30 * NEWSLETTER_MONTHS, m)
    p_click = rng.beta(2.0, 5.0, m)

    events = [(cid, off, None, 0.0) for cid, off in _newsletter_days(cal)]
    events += [(c["id"], c["offset"], c["segments"], c["holdout"]) for c in _past_campaigns(cal)]
    events.sort(key=lambda e: (-e[1], e[0]))  # in time order

    end = (cal.as_of + np.timedelta64(1, "D")).astype("datetime64[s]")
    listed = np.ones(m, dtype=bool)  # not unsubscribed yet
    ids = cust["frame"]["customer_id"].to_numpy(dtype=object)
    frames, outs = [], []
    for cid, off, segments, holdout in events:
        sel = listed & (since > off)
        if segments is not None:
            sel &= np.isin(segment, segments)
        who = np.flatnonzero(sel)
        k = len(who)
        control = rng.random(k) < holdout
        p = np.where(fader[who] & (fade_at[who] > off), 0.01, p_open[who])
        opened = ~control & (rng.random(k) < p)
        clicked = opened & (rng.random(k) < p_click[who])
        unsub = opened & (rng.random(k) < 0.012)
        complaint = ~control & ~unsub & (rng.random(k) < 0.001)
        day = (cal.as_of - np.timedelta64(off, "D")).astype("datetime64[s]")
        sent = day + (36_000 + rng.integers(0, 1800, k)).astype("timedelta64[s]")
        open_at = sent + rng.exponential(6 * 3600, k).astype("timedelta64[s]")
        click_at = open_at + rng.integers(5, 600, k).astype("timedelta64[s]")
        unsub_at = open_at + rng.integers(30, 300, k).astype("timedelta64[s]")
        complaint_at = sent + rng.exponential(12 * 3600, k).astype("timedelta64[s]")

        def when(flag: np.ndarray, at: np.ndarray) -> np.ndarray:
            return np.where(flag & (at < end), at, np.datetime64("NaT")).astype("datetime64[ns]")

        unsub_at, complaint_at = when(unsub, unsub_at), when(complaint, complaint_at)
        frames.append(
            pd.DataFrame(
                {
                    "campaign_id": cid,
                    "customer_id": ids[idx[who]].tolist(),
                    "sent_at": sent.astype("datetime64[ns]"),
                    "channel": "email",
                    "group": np.where(control, "control", "target").tolist(),
                    "opened_at": when(opened, open_at),
                    "clicked_at": when(clicked, click_at),
                    "unsubscribed_at": unsub_at,
                    "complained_at": complaint_at,
                }
            )
        )
        for at, source in ((unsub_at, "unsubscribe"), (complaint_at, "complaint")):
            gone = np.flatnonzero(~np.isnat(at))
            listed[who[gone]] = False
            outs.append(
                pd.DataFrame(
                    {
                        "customer_id": ids[idx[who[gone]]].tolist(),
                        "channel": "email",
                        "status": "opt_out",
                        "contact_id": [audience["contact"][j] for j in who[gone]],
                        "promised_frequency": None,
                        "promised_content": None,
                        "source": source,
                        "date": at[gone].astype("datetime64[D]").astype("datetime64[ns]"),
                    }
                )
            )
    sends = pd.concat(frames, ignore_index=True)
    sends = sends.sort_values(["sent_at", "campaign_id", "customer_id"], kind="stable")
    return sends.reset_index(drop=True), pd.concat(outs, ignore_index=True)


def _campaign_effects(
    rng: np.random.Generator,
    cust: dict,
    orders: pd.DataFrame,
    sends: pd.DataFrame,
    sku: dict,
    cal: _Calendar,
) -> pd.DataFrame:
    """Orders with the purchases the past campaigns caused among their treated customers.

    Eligible: treated customers that are active (an order in the 24 months before as_of), not
    key clients, and did not buy the promoted lines in the window anyway; a share of them
    (``PAST_CAMPAIGNS``) buys its usual SKU of the promoted lines (or the line's flagship SKU),
    its usual quantity and discount at the price list of the day, in the window: as a line
    added to its first order in the window, else as a new order on a working day. New orders
    change no structure figure: never on a customer's second date in a 12-month period when it
    has two in the other (that would make it regular), preferably in a calendar month in which
    the customer buys anyway, and at most ``cap`` customers buying in a month they would not
    have bought in (the monthly count of buying customers stays smooth).
    """
    as_of = pd.Timestamp(cal.as_of)
    m24 = as_of - pd.Timedelta(days=cal.w24)
    key_ids = set(cust["frame"]["customer_id"].to_numpy()[cust["group"] == KEY])
    sku_index = {s: i for i, s in enumerate(sku["sku"])}
    line_names = [line[1] for line in PRODUCT_LINES]
    so = orders["order_id"].str.startswith("SO-")
    next_so = int(orders.loc[so, "order_id"].str[3:].astype(int).max()) + 1
    added = []
    for camp in _past_campaigns(cal):
        if camp["effect"] <= 0:
            continue
        lines = [line_names.index(name) for name in camp["lines"]]
        promoted = {s for s, li in zip(sku["sku"], sku["line"], strict=True) if li in lines}
        flagship = [sku["sku"][sku["anchor"][li]] for li in lines]
        start = as_of - pd.Timedelta(days=camp["offset"])
        end = start + pd.Timedelta(days=camp["window"])
        rows = sends[(sends["campaign_id"] == camp["id"]) & (sends["group"] == "target")]
        mine = orders[orders["customer_id"].isin(set(rows["customer_id"]) - key_ids)]
        active = set(mine.loc[mine["order_date"] > m24, "customer_id"])
        is_promoted = mine["sku"].isin(promoted)
        before = mine[is_promoted & (mine["order_date"] <= start)]
        window = mine[(mine["order_date"] > start) & (mine["order_date"] <= end)]
        converted = set(window.loc[window["sku"].isin(promoted), "customer_id"])
        eligible = sorted(active - converted)
        draws = rng.random(len(eligible))
        chosen = [c for c, r in zip(eligible, draws, strict=True) if r < camp["effect"]]
        dates = mine.groupby("customer_id")["order_date"].unique()
        offsets = np.arange(camp["offset"] - camp["window"], camp["offset"])
        offsets = offsets[(offsets >= 0) & (cal.intensity[offsets] > 0)]
        new_buyers: dict[tuple[int, int], int] = {}
        cap = 20
        for c in chosen:
            hist = before[before["customer_id"] == c]
            if len(hist):
                usual = hist["sku"].value_counts().sort_index().idxmax()
                same = hist[hist["sku"] == usual]
                qty = float(max(1.0, np.rint(same["quantity"].median())))
                disc = float(same["discount"].iloc[-1])
            else:  # never bought the lines: their flagship SKU, a small first order
                usual = flagship[int(rng.integers(len(flagship)))]
                qty = float(rng.integers(2, 7))
                disc = 0.0
            in_window = window[
                (window["customer_id"] == c) & window["order_id"].str.startswith("SO-")
            ]
            if len(in_window):
                first = in_window[in_window["order_date"] == in_window["order_date"].min()]
                order_id, day = first["order_id"].iloc[0], first["order_date"].iloc[0]
                line_no = int(orders.loc[orders["order_id"] == order_id, "line_no"].max()) + 1
                channel = first["channel"].iloc[0]
            else:
                own = pd.DatetimeIndex(dates[c])
                own_off = (as_of - own).days.to_numpy()
                own_months = set(zip(own.year, own.month, strict=True))
                n1 = int((own_off < cal.w12).sum())
                n2 = int(((own_off >= cal.w12) & (own_off < cal.w24)).sum())
                anyway, other = [], []
                for o in offsets:
                    d = as_of - pd.Timedelta(days=int(o))
                    if o in own_off or o >= cal.w24:
                        continue
                    here, there = (n1, n2) if o < cal.w12 else (n2, n1)
                    if here == 1 and there >= 2:  # would become regular
                        continue
                    month = (d.year, d.month)
                    if month in own_months:
                        anyway.append(o)
                    elif new_buyers.get(month, 0) < cap:
                        other.append(o)
                if not anyway and not other:
                    continue
                o = int(rng.choice(anyway or other))
                day = as_of - pd.Timedelta(days=o)
                if not anyway:
                    new_buyers[(day.year, day.month)] = new_buyers.get((day.year, day.month), 0) + 1
                order_id, line_no = f"SO-{next_so:07d}", 1
                next_so += 1
                channel = mine.loc[mine["customer_id"] == c, "channel"].mode().iloc[0]
            price = float(sku["price"][sku_index[usual], cal.version[(as_of - day).days]])
            added.append(
                {
                    "order_id": order_id,
                    "customer_id": c,
                    "order_date": day,
                    "amount": round(qty * price * (1 - disc), 2),
                    "sku": usual,
                    "quantity": qty,
                    "list_price": price,
                    "discount": disc,
                    "channel": channel,
                    "line_no": line_no,
                }
            )
    if not added:
        return orders
    extra = pd.DataFrame(added).astype(orders.dtypes.to_dict())
    out = pd.concat([orders, extra], ignore_index=True)
    return out.sort_values("order_date", kind="stable").reset_index(drop=True)


# ========================================================================================
# entry point
# ========================================================================================


# ========================================================================================
# voice of the customer: survey responses
# ========================================================================================

NPS_RESPONSE_RATE = 0.27  # share of the customers asked each quarter that answer
BONUS_RESPONSE_RATE = 0.35  # the incentivized wave answers more often ...
BONUS_LIFT = 0.8  # ... and a bit more kindly (NPS points)
CSI_RESPONSE_RATE = 0.04  # share of delivery days with a CSI answer
CES_RESPONSE_RATE = 0.15  # share of inbound inquiries and complaints with a CES answer
COMMENT_RATE = 0.5
ENGLISH_RATE = 0.2  # some clients (international chains) answer in English

# comment templates by metric and mood; "{n_...}" is a span or count, "{what}" a product
COMMENT_RU = {
    ("nps", "neg"): (
        "Доставка опять задержалась на {n_days}",
        "Цены снова выросли, а качество то же",
        "Менеджер не перезванивает, приходится искать самим",
        "Короткий срок годности, {what} списываем",
        "Постоянные недовозы по заявкам",
        "Сложно дозвониться, ответа ждём по {n_days}",
    ),
    ("nps", "mid"): (
        "В целом нормально, но цены высоковаты",
        "Работаем давно, но бывают сбои с доставкой",
        "Ассортимент хороший, хотелось бы больше акций",
        "Всё устраивает, кроме сроков поставки",
    ),
    ("nps", "pos"): (
        "Отличное качество сыров, менеджер всегда на связи",
        "Быстрая доставка и хорошие цены",
        "Менеджер всегда помогает, спасибо!",
        "Стабильное качество, продукция хорошо продаётся",
        "Надёжный поставщик, работаем {n_years} и довольны",
    ),
    ("csi", "neg"): (
        "Машина опоздала на {n_hours}",
        "Привезли не всё, части позиций не было",
        "Помятая упаковка, часть товара вернули",
        "Срок годности почти истёк при приёмке",
    ),
    ("csi", "mid"): (
        "Привезли с небольшим опозданием",
        "Документы пришли позже товара",
        "Нормально, но водитель не предупредил о приезде",
    ),
    ("csi", "pos"): (
        "Всё привезли вовремя, спасибо",
        "Доставка точно к открытию, всё целое",
        "Свежий товар, всё отличного качества",
    ),
    ("ces", "neg"): (
        "Пришлось звонить {n_times}, чтобы решить вопрос",
        "Долго ждали ответа по претензии",
        "Переключали между отделами, никто не отвечал за вопрос",
    ),
    ("ces", "mid"): (
        "Решили, но не с первого раза",
        "Ответили на следующий день",
    ),
    ("ces", "pos"): (
        "Вопрос решили за один звонок",
        "Быстро ответили в мессенджере",
        "Менеджер сразу всё оформил",
    ),
}
COMMENT_EN = {
    ("nps", "neg"): (
        "Prices went up again",
        "Deliveries keep arriving late",
        "Our manager never calls back",
        "Shelf life is too short for {what}",
    ),
    ("nps", "mid"): ("Good products, but prices are high", "OK overall, delivery could be better"),
    ("nps", "pos"): (
        "Great quality, fast delivery",
        "Reliable supplier, our manager is always available",
        "Excellent cheese, customers love it",
    ),
    ("csi", "neg"): ("The truck was {n_hours} late", "Part of the order was missing"),
    ("csi", "mid"): ("Slightly late, but everything was there",),
    ("csi", "pos"): ("On time and complete, thank you", "Fresh products, well packed"),
    ("ces", "neg"): ("Had to call {n_times} to get it fixed", "Took ages to get an answer"),
    ("ces", "mid"): ("Solved, though it took a day",),
    ("ces", "pos"): ("Solved in one call", "Quick answer in the messenger"),
}
COMMENT_WHAT_RU = ("йогурты", "творог", "колбасу", "сыр", "кефир", "пельмени", "соусы")
COMMENT_WHAT_EN = ("yogurts", "cottage cheese", "sausages", "cheese", "kefir")
RU_NUMBER_DAYS = ("два дня", "три дня", "неделю", "пять дней")
RU_NUMBER_HOURS = ("два часа", "три часа", "полдня", "четыре часа")
RU_NUMBER_TIMES = ("три раза", "четыре раза", "пять раз")
RU_YEARS = ("три года", "пять лет", "много лет")
EN_HOURS = ("two hours", "three hours", "half a day")
EN_TIMES = ("three times", "four times", "five times")
COMMENT_TAIL_RU = ("", "", "", ".", "!", ". Просим разобраться", ". Спасибо")
COMMENT_TAIL_EN = ("", "", ".", "!")


def _comment(rng: np.random.Generator, metric: str, mood: str, english: bool) -> str:
    pool = (COMMENT_EN if english else COMMENT_RU)[(metric, mood)]
    text = pool[int(rng.integers(len(pool)))]
    what = COMMENT_WHAT_EN if english else COMMENT_WHAT_RU
    fill = {
        "what": what[int(rng.integers(len(what)))],
        "n_days": RU_NUMBER_DAYS[int(rng.integers(len(RU_NUMBER_DAYS)))],
        "n_hours": (EN_HOURS if english else RU_NUMBER_HOURS)[int(rng.integers(3))],
        "n_times": (EN_TIMES if english else RU_NUMBER_TIMES)[int(rng.integers(3))],
        "n_years": RU_YEARS[int(rng.integers(len(RU_YEARS)))],
    }
    tail = COMMENT_TAIL_EN if english else COMMENT_TAIL_RU
    return text.format(**fill) + tail[int(rng.integers(len(tail)))]


def _responses(
    rng: np.random.Generator,
    cust: dict,
    orders: pd.DataFrame,
    interactions: pd.DataFrame,
    cal: _Calendar,
) -> pd.DataFrame:
    """NPS (quarterly relationship survey, one wave with a bonus), CSI after deliveries (a 1-5
    survey, and a 1-10 one for HoReCa and online shops) and CES after inbound inquiries and
    complaints, over the last 24 months.

    Each customer has a satisfaction that follows its buying: growing buyers are happier, those
    that stopped buying less so, with noise (a few happy clients stopped anyway, a few unhappy
    ones keep growing)."""
    ids = cust["frame"]["customer_id"].to_numpy()
    index = {c: i for i, c in enumerate(ids)}
    n = len(ids)
    as_of = pd.Timestamp(cal.as_of)
    w24 = as_of - pd.Timedelta(days=int(cal.w24))
    # behaviour: revenue of the last 12 months against the 12 before, and days since last order
    o = orders[orders["order_date"] > w24]
    ci = o["customer_id"].map(index).to_numpy()
    recent = (o["order_date"] > as_of - pd.Timedelta(days=int(cal.w12))).to_numpy()
    amount = o["amount"].to_numpy()
    rev_new = np.bincount(ci[recent], amount[recent], minlength=n)
    rev_old = np.bincount(ci[~recent], amount[~recent], minlength=n)
    trend = np.log((rev_new + 1e3) / (rev_old + 1e3))
    last = orders.groupby("customer_id")["order_date"].max()
    idle = np.full(n, 9999.0)
    idle[last.index.map(index).to_numpy()] = (as_of - last).dt.days.to_numpy()
    mood = rng.normal(0, 0.8, n) + 0.5 * np.clip(trend, -1.5, 1.5) - 0.4 * (idle > 120)
    english = rng.random(n) < ENGLISH_RATE  # a client writes in one language

    rows: list[tuple] = []  # customer index, date, metric, score, survey, touchpoint, incentivized

    # NPS: the 10th of January, April, July and October, to customers that bought in the
    # 12 months before the wave; answers within two weeks
    waves = [
        pd.Timestamp(y, m, 10)
        for y in range(w24.year, as_of.year + 1)
        for m in (1, 4, 7, 10)
        if w24 < pd.Timestamp(y, m, 10) <= as_of
    ]
    bonus_wave = waves[-3] if len(waves) >= 3 else None
    oc, od = o["customer_id"].map(index).to_numpy(), o["order_date"].to_numpy()
    for wave in waves:
        asked = np.unique(
            oc[
                (od <= wave.to_datetime64())
                & (od > (wave - pd.Timedelta(days=365)).to_datetime64())
            ]
        )
        bonus = wave == bonus_wave
        answer = asked[
            rng.random(len(asked)) < (BONUS_RESPONSE_RATE if bonus else NPS_RESPONSE_RATE)
        ]
        days = wave + pd.to_timedelta(rng.integers(0, 15, len(answer)), unit="D")
        raw = (
            7.4
            + 1.9 * mood[answer]
            + rng.normal(0, 1.2, len(answer))
            + (BONUS_LIFT if bonus else 0)
        )
        score = np.clip(np.round(raw), 0, 10)
        for c, day, sc in zip(answer, days, score, strict=True):
            if day <= as_of:
                rows.append(
                    (c, day, "nps", sc, "rnps-bonus" if bonus else "rnps", "relationship", bonus)
                )

    # CSI: after a share of the delivery days of the last 24 months (at most 6 per customer)
    deliveries = o[["customer_id", "order_date"]].drop_duplicates()
    deliveries = deliveries[rng.random(len(deliveries)) < CSI_RESPONSE_RATE]
    deliveries = deliveries.groupby("customer_id").head(6)
    seg = cust["segment"]
    ten_scale = {SEGMENTS.index("HoReCa"), SEGMENTS.index("Интернет-магазины")}
    for cid, day in zip(deliveries["customer_id"], deliveries["order_date"], strict=True):
        c = index[cid]
        day = min(day + pd.Timedelta(days=int(rng.integers(1, 4))), as_of)
        if seg[c] in ten_scale:
            sc = np.clip(np.round(7.9 + 1.7 * mood[c] + rng.normal(0, 1.3)), 1, 10)
            rows.append((c, day, "csi", sc, "csi-delivery-10", "delivery", False))
        else:
            sc = np.clip(np.round(4.0 + 0.8 * mood[c] + rng.normal(0, 0.7)), 1, 5)
            rows.append((c, day, "csi", sc, "csi-delivery", "delivery", False))

    # CES: after inbound inquiries and complaints of the last 24 months
    i = interactions
    support = i[
        (i["date"] > w24) & (i["direction"] == "inbound") & i["kind"].isin(["inquiry", "complaint"])
    ].drop_duplicates(["customer_id", "date"])
    support = support[rng.random(len(support)) < CES_RESPONSE_RATE]
    for cid, day, kind, channel in zip(
        support["customer_id"], support["date"], support["kind"], support["channel"], strict=True
    ):
        c = index[cid]
        raw = 3.0 - 1.0 * mood[c] + rng.normal(0, 1.0) + (1.3 if kind == "complaint" else 0)
        sc = np.clip(np.round(raw), 1, 7)
        rows.append(
            (
                c,
                min(day + pd.Timedelta(days=1), as_of),
                "ces",
                sc,
                "ces-support",
                f"support_{channel}",
                False,
            )
        )

    frame = pd.DataFrame(
        rows,
        columns=["_c", "date", "metric", "score", "survey", "touchpoint", "incentivized"],
    )
    frame = frame.drop_duplicates(["_c", "date", "metric", "survey"])
    frame = frame.sort_values(["date", "_c", "metric"], kind="stable").reset_index(drop=True)
    c = frame["_c"].to_numpy()
    metric, score = frame["metric"].to_numpy(), frame["score"].to_numpy()
    # mood of the answer: NPS 0-6 / 7-8 / 9-10; CSI low / middle / top of its scale; CES high /
    # middle / low effort
    ten = (frame["survey"] == "csi-delivery-10").to_numpy()
    neg = np.select(
        [metric == "nps", (metric == "csi") & ten, metric == "csi"],
        [score <= 6, score <= 5, score <= 2],
        score >= 5,
    )
    pos = np.select(
        [metric == "nps", (metric == "csi") & ten, metric == "csi"],
        [score >= 9, score >= 9, score >= 5],
        score <= 2,
    )
    # unhappy clients write more often
    with_comment = rng.random(len(frame)) < np.where(neg, COMMENT_RATE + 0.2, COMMENT_RATE - 0.1)
    comments = [
        _comment(
            rng, metric[k], "neg" if neg[k] else "pos" if pos[k] else "mid", bool(english[c[k]])
        )
        if with_comment[k]
        else None
        for k in range(len(frame))
    ]
    return pd.DataFrame(
        {
            "customer_id": ids[c],
            "date": pd.to_datetime(frame["date"]).dt.normalize().astype("datetime64[ns]"),
            "metric": frame["metric"].astype(object),
            "score": score.astype(np.float64),
            "survey": frame["survey"].astype(object),
            "touchpoint": frame["touchpoint"].astype(object),
            "comment": pd.Series(comments, dtype=object),
            "incentivized": frame["incentivized"].astype(bool),
        }
    )


# --- CX initiatives -------------------------------------------------------------------------
INITIATIVE_DIR = Path(__file__).with_name("initiatives")
"""The demo's CX initiative files (YAML, :mod:`cxray.comms.initiative`), written for
``CAMPAIGNS_AS_OF``."""
NPS_INITIATIVE = "horeca-manager-2025-11"  # the satisfaction initiative with a real effect
NPS_INITIATIVE_SEGMENT = "HoReCa"  # its affected customers (the file's rule)
NPS_LIFT_SHARE = 0.8  # share of the affected NPS answers raised ...
NPS_LIFT_POINTS = 2  # ... by this many points (at most 10)


def initiative_files() -> list[Path]:
    """The demo's initiative files, sorted by name."""
    return sorted(INITIATIVE_DIR.glob("*.yaml"))


def _initiative_effect(
    rng: np.random.Generator, cust: dict, responses: pd.DataFrame, cal: _Calendar
) -> pd.DataFrame:
    """The real effect of the satisfaction initiative ``NPS_INITIATIVE``: each NPS answer of a
    customer of segment ``NPS_INITIATIVE_SEGMENT`` dated on or after its start (the file's
    start, at the same distance to ``as_of`` as to ``CAMPAIGNS_AS_OF``) is raised by
    ``NPS_LIFT_POINTS`` points (at most 10) with probability ``NPS_LIFT_SHARE``. One draw per
    answer, from a stream of its own: no other answer, comment or table changes."""
    spec = yaml.safe_load((INITIATIVE_DIR / f"{NPS_INITIATIVE}.yaml").read_text(encoding="utf-8"))
    start = cal.as_of - np.timedelta64((CAMPAIGNS_AS_OF - spec["start"]).days, "D")
    frame = cust["frame"]
    segment = dict(zip(frame["customer_id"], frame["segment"], strict=True))
    draw = rng.random(len(responses))
    hit = (
        (responses["metric"] == "nps").to_numpy()
        & (responses["date"].to_numpy() >= start.astype("datetime64[ns]"))
        & (responses["customer_id"].map(segment) == NPS_INITIATIVE_SEGMENT).to_numpy()
        & (draw < NPS_LIFT_SHARE)
    )
    out = responses.copy()
    out.loc[hit, "score"] = np.minimum(out.loc[hit, "score"] + NPS_LIFT_POINTS, 10.0)
    return out


# --- leads and channel costs ----------------------------------------------------------------
LEAD_MONTHS = 36  # leads are recorded for the last 36 months
LEADS_PER_MONTH = 32.0
# channel: share of leads, P(contacted | owned), P(qualified | contacted), P(won | qualified)
LEAD_CHANNELS = {
    "website": (0.35, 0.93, 0.40, 0.30),
    "cold_call": (0.25, 0.97, 0.25, 0.30),
    "exhibition": (0.12, 0.90, 0.45, 0.30),
    "marketplace": (0.10, 0.90, 0.35, 0.30),
    "inbound_call": (0.10, 0.95, 0.50, 0.35),
    "referral": (0.08, 0.95, 0.60, 0.45),
}
UNOWNED_SHARE = 0.2  # leads nobody took
UNOWNED_CONTACT = 0.55  # P(contacted) of an unowned lead, whatever the channel
UNOWNED_FACTOR = 0.6  # an unowned lead's P(qualified | contacted) and P(won | qualified) x this
STALE_SHARE = 0.3  # contacted leads that were neither won nor closed as lost: left open
MATCH_DAYS = 240  # a won lead's customer places its first order at most this long after it
LATE_SHARE = 0.12  # owned leads contacted late: 24-120 hours after they came in
# monthly costs (RUB) per channel and campaign; exhibitions only in their months
CHANNEL_COSTS = {
    ("website", "search_ads"): 110_000.0,
    ("website", "seo"): 40_000.0,
    ("cold_call", None): 120_000.0,
    ("marketplace", None): 45_000.0,
    ("inbound_call", None): 25_000.0,
    ("referral", None): 20_000.0,
    ("outdoor", None): 200_000.0,  # billboards: offline, no lead is ever recorded
}
EXHIBITIONS = {2: ("prodexpo", 10), 9: ("worldfood", 16)}  # month -> (campaign, opening day)
EXHIBITION_COST = 2_400_000.0
LOST_REASONS = {  # reasons of leads lost at each step (None: no reason recorded)
    "uncontacted": (("no_response", 0.5), (None, 0.5)),
    "contacted": (("not_target", 0.4), ("no_budget", 0.3), ("no_response", 0.2), (None, 0.1)),
    "qualified": (("price", 0.4), ("competitor", 0.3), ("delivery_terms", 0.15),
                  ("no_budget", 0.05), (None, 0.1)),
}  # fmt: skip


def _pick(rng: np.random.Generator, pairs: tuple) -> object:
    values, weights = zip(*pairs, strict=True)
    return values[rng.choice(len(values), p=np.array(weights) / sum(weights))]


def _leads(
    rng: np.random.Generator, orders: pd.DataFrame, cal: _Calendar
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leads of the last :data:`LEAD_MONTHS` calendar months (the month of ``as_of`` the last)
    and the channels' monthly costs.

    True rates (per lead, before the data's own noise): a lead comes from a channel with the
    share of :data:`LEAD_CHANNELS`; :data:`UNOWNED_SHARE` of them get no owner (the others one
    of the nine sales managers). An owned lead is contacted with the channel's probability
    (0.90-0.97), after a median 3 hours (lognormal, sigma 1.2) or, for :data:`LATE_SHARE` of
    them, 24-120 hours; an unowned one with probability :data:`UNOWNED_CONTACT` after a median
    36 hours (sigma 0.8), so most of them breach a 24-hour SLA. A contacted lead is qualified,
    and a qualified one won, with the channel's probabilities (times :data:`UNOWNED_FACTOR`
    without an owner): lead-to-won of an owned lead = website 11.2%, cold calls 7.3%,
    exhibitions 12.2%, marketplace 9.5%, inbound calls 16.6%, referrals 25.7%; of an unowned
    one about 0.55 / 0.93 x 0.36 = 21% of that. Exhibition leads come in the three weeks after
    the two yearly shows (Prodexpo in February, WorldFood in September); the others any day.
    A deal closes 5-45 days after the first contact (won) or is lost 3-40 days after it (21
    days after the lead came in when nobody called), with a reason of :data:`LOST_REASONS` (or
    none); deals not closed by ``as_of`` stay open (new, contacted or qualified), and so do
    :data:`STALE_SHARE` of the contacted leads that were not won (nobody closed them). 5% of the
    contacted leads have no ``first_contact_at`` (their status proves the contact).

    Won leads become real customers: each, in order of closing, takes the not yet taken
    customer whose first order is closest to its closing day, 3 to :data:`MATCH_DAYS` days after
    the lead came in (its closing day then moves to 2 days before that order, but never before the
    first contact); a won lead that finds none keeps no ``customer_id``.

    Costs (RUB a month, :data:`CHANNEL_COSTS`): the website's search ads and SEO, the cold-call
    team, marketplace fees, telephony, referral bonuses, and billboards (``outdoor``: an offline
    channel that records no lead); each month's cost varies +-15%. Each exhibition costs
    :data:`EXHIBITION_COST` in its month: the costliest channel per won customer.
    """
    end = pd.Timestamp(cal.as_of) + pd.Timedelta(days=1)  # leads are created before this
    first = _minus_months(pd.Timestamp(cal.as_of).date(), LEAD_MONTHS - 1).replace(day=1)
    start = pd.Timestamp(first)  # the first day of a month: every month of costs has its leads
    days = (end - start).days
    n = int(rng.poisson(LEADS_PER_MONTH * LEAD_MONTHS))
    names = list(LEAD_CHANNELS)
    shares = np.array([LEAD_CHANNELS[c][0] for c in names])
    channel = rng.choice(len(names), n, p=shares / shares.sum())
    created = (start + pd.to_timedelta(rng.uniform(0, days, n) * 86400, unit="s")).to_numpy().copy()
    shows = [(pd.Timestamp(y, m, d), name) for y in range(start.year, end.year + 1)
             for m, (name, d) in EXHIBITIONS.items()]  # fmt: skip
    shows = [s for s in shows if start <= s[0] < end]
    expo = np.flatnonzero(np.array(names)[channel] == "exhibition")
    campaign = np.full(n, None, dtype=object)
    show = rng.integers(0, len(shows), len(expo))
    hours = rng.uniform(0, 21 * 24, len(expo))
    for j, i in enumerate(expo):
        created[i] = (shows[show[j]][0] + pd.Timedelta(hours=float(hours[j]))).to_datetime64()
        campaign[i] = shows[show[j]][1]
    created = pd.Series(created).dt.floor("min")
    keep = (created >= start) & (created < end)
    owners = MANAGERS[3:]
    rows = []
    for i in np.flatnonzero(keep.to_numpy()):
        ch = names[channel[i]]
        _, p_contact, p_qualify, p_win = LEAD_CHANNELS[ch]
        at = created[i]
        owned = rng.random() >= UNOWNED_SHARE
        if not owned:
            p_contact, p_qualify, p_win = (UNOWNED_CONTACT, p_qualify * UNOWNED_FACTOR,
                                           p_win * UNOWNED_FACTOR)  # fmt: skip
            hours = float(np.exp(np.log(36) + 0.8 * rng.standard_normal()))
        elif rng.random() < LATE_SHARE:
            hours = float(rng.uniform(24, 120))
        else:
            hours = float(np.exp(np.log(3) + 1.2 * rng.standard_normal()))
        first = (at + pd.Timedelta(hours=hours)).floor("min")
        contacted = rng.random() < p_contact and first < end
        qualified = contacted and rng.random() < p_qualify
        won = qualified and rng.random() < p_win
        base = first if contacted else at
        closed = base + pd.Timedelta(days=float(rng.uniform(5, 45) if won else
                                                rng.uniform(3, 40)))  # fmt: skip
        if not contacted:
            closed = at + pd.Timedelta(days=21)
        stage = "qualified" if qualified else "contacted" if contacted else "uncontacted"
        reason = _pick(rng, LOST_REASONS[stage])
        hide = contacted and rng.random() < 0.05
        if closed >= end or (contacted and not won and rng.random() < STALE_SHARE):  # open
            status, closed, reason = ("qualified" if qualified else "contacted" if contacted
                                      else "new"), None, None  # fmt: skip
        else:
            status, reason = ("won", None) if won else ("lost", reason)
        rows.append({
            "lead_id": f"LD{len(rows) + 1:05d}", "created_at": at, "channel": ch,
            "source": "exhibition_stand" if ch == "exhibition" else ch,
            "campaign": campaign[i], "owner": owners[rng.integers(len(owners))] if owned else None,
            "status": status, "first_contact_at": first if contacted and not hide else None,
            "closed_at": closed, "customer_id": None, "lost_reason": reason,
        })  # fmt: skip
    leads = pd.DataFrame(rows).sort_values("created_at", kind="stable").reset_index(drop=True)
    leads["lead_id"] = [f"LD{i + 1:05d}" for i in range(len(leads))]
    _match_customers(leads, orders)
    for col in ("created_at", "first_contact_at", "closed_at"):
        leads[col] = pd.to_datetime(leads[col]).astype("datetime64[ns]")
    return leads, _channel_costs(rng, start, end)


def _match_customers(leads: pd.DataFrame, orders: pd.DataFrame) -> None:
    """Give each won lead (in order of closing) the untaken customer whose first order is
    closest to its closing day, 3 to :data:`MATCH_DAYS` days after the lead came in; move its
    closing day to 2 days before that order (not before the first contact)."""
    first = orders.groupby("customer_id")["order_date"].min().sort_values()
    free = dict(first.items())
    won = leads[leads["status"] == "won"].sort_values("closed_at", kind="stable")
    for i, row in won.iterrows():
        lo = row["created_at"] + pd.Timedelta(days=3)
        hi = row["created_at"] + pd.Timedelta(days=MATCH_DAYS)
        found = [(abs((d - row["closed_at"]).days), d, c) for c, d in free.items() if lo <= d <= hi]
        if not found:
            continue
        _, day, customer = min(found)
        del free[customer]
        leads.at[i, "customer_id"] = customer
        contact = (
            row["first_contact_at"] if pd.notna(row["first_contact_at"]) else row["created_at"]
        )
        leads.at[i, "closed_at"] = max(day - pd.Timedelta(days=2), contact)
    leads["closed_at"] = pd.to_datetime(leads["closed_at"]).dt.floor("min")


def _channel_costs(rng: np.random.Generator, start: pd.Timestamp, end: pd.Timestamp):
    """Monthly costs per channel and campaign from the month of ``start`` to the month before
    ``end``'s (see :func:`_leads`)."""
    rows = []
    for month in pd.period_range(start, end - pd.Timedelta(days=1), freq="M"):
        day = month.to_timestamp()
        for (channel, campaign), cost in CHANNEL_COSTS.items():
            rows.append((day, channel, campaign, cost * rng.uniform(0.85, 1.15)))
        if month.month in EXHIBITIONS:
            rows.append((day, "exhibition", EXHIBITIONS[month.month][0], EXHIBITION_COST))
    frame = pd.DataFrame(rows, columns=["month", "channel", "campaign", "cost"])
    frame["cost"] = frame["cost"].round(0)
    frame["month"] = frame["month"].astype("datetime64[ns]")
    return frame


# ========================================================================================
# web events: the order portal and the catalogue
# ========================================================================================

WEB_SITE = "https://b2b.food.example"
WEB_LINE_SLUGS = {
    "MLK": "dairy", "SYR": "cheese", "KOL": "sausages", "ZAM": "frozen", "KON": "canned",
    "SOU": "sauces", "HLB": "bakery", "KND": "sweets", "NAP": "drinks", "SNK": "snacks",
    "GOT": "ready-meals", "SPC": "spices",
}  # fmt: skip
WEB_LINE_PAGES = "; ".join(
    f"{line[1]}=/catalog/{WEB_LINE_SLUGS[line[0]]}*, /promo/{WEB_LINE_SLUGS[line[0]]}*"
    for line in PRODUCT_LINES
)
"""The demo's setting ``web_line_pages``: each product line's catalogue and promotion pages."""
WEB_ACTIONS = (
    ("catalog_view", {"url": "/catalog/*"}),
    ("add_to_cart", {"selector": "button.buy"}),
    ("order_submit", {"selector": "form#order", "event": "submit"}),
)
"""The demo's actions: name -> rule (:meth:`cxray.api.web.WebSession.add_action`)."""
WEB_FUNNEL = "catalog_view, add_to_cart, order_submit"
WEB_DAYS = 365  # web events over the last year
WEB_USERS = {KEY: 0.8, REG: 0.55, NEW: 0.4, CHURNING: 0.3, OCC: 0.2}  # share using the portal
WEB_RATE = {KEY: (4.0, 10.0), REG: (2.5, 7.0), NEW: (1.5, 5.0), CHURNING: (1.0, 3.0),
            OCC: (0.5, 2.0)}  # sessions per 30 days, uniform between  # fmt: skip
WEB_ANONYMOUS = 400  # visitors who never sign in
WEB_FALLS = 4  # key and regular clients (half each) whose portal sessions fall in the last ...
WEB_FALL_DAYS, WEB_FALL_FACTOR = 60, 0.1  # ... 60 days to a tenth
WEB_VIEWPORTS = ((1920, 1080), (1366, 768), (1536, 864), (390, 844))
BUY_PATH = "body > main#content > div.product-card > button.btn.buy"
ORDER_PATH = "body > main#content > form#order.order-form"


class _WebLog:
    """The events of the web log as columns, one row added at a time."""

    COLUMNS = ("visitor_id", "ts", "type", "url", "referrer", "tag", "text", "classes",
               "css_path", "fields", "scroll_depth", "viewport_w", "viewport_h",
               "customer_id")  # fmt: skip

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def add(self, visitor: str, ts: float, kind: str, path: str, viewport, customer, **kw) -> None:
        self.rows.append(
            (visitor, ts, kind, WEB_SITE + path, kw.get("referrer"), kw.get("tag"),
             kw.get("text"), kw.get("classes"), kw.get("css_path"), kw.get("fields"),
             kw.get("scroll_depth"), viewport[0], viewport[1], customer)
        )  # fmt: skip


def _web_session(
    rng: np.random.Generator, log: _WebLog, visitor: str, start: float, viewport, *,
    customer: str | None, sign_in: bool, lines: list[str], order: bool,
) -> None:  # fmt: skip
    """One visit from ``start`` (seconds): sign-in (an identify) when ``sign_in``, page views
    of the product lines ``lines`` with some clicks on "В корзину", and, when ``order``, the
    cart, the order form sent and its confirmation."""
    t = start
    who = None if sign_in else customer

    def step(kind: str, path: str, **kw) -> None:
        nonlocal t
        t += float(rng.uniform(8, 90))
        log.add(visitor, t, kind, path, viewport, who, **kw)

    step("pageview", "/" if sign_in or customer is None else "/portal", referrer=None)
    if sign_in:
        step("pageview", "/login")
        step("submit", "/login", tag="form", classes="login", fields="login,password",
             css_path="body > main#content > form#login.login")  # fmt: skip
        who = customer
        log.add(visitor, t + 1, "identify", "/login", viewport, customer)
    for slug in lines:
        area = "promo" if rng.random() < 0.1 else "catalog"
        step("pageview", f"/{area}/{slug}")
        if rng.random() < 0.3:
            step("scroll", f"/{area}/{slug}", scroll_depth=int(rng.choice([25, 50, 75, 100])))
        if rng.random() < 0.6:
            step("pageview", f"/catalog/{slug}/{int(rng.integers(1, 40)):03d}")
            if who is not None and rng.random() < 0.55:
                english = rng.random() < 0.1
                step("click", f"/catalog/{slug}/{int(rng.integers(1, 40)):03d}", tag="button",
                     text="Add to cart" if english else "В корзину", classes="btn buy",
                     css_path=BUY_PATH)  # fmt: skip
    if order and who is not None:
        step("pageview", "/portal/cart")
        step("pageview", "/portal/order")
        step("submit", "/portal/order", tag="form", classes="order-form", css_path=ORDER_PATH,
             fields="delivery_date,address,comment")  # fmt: skip
        step("pageview", "/portal/order/done")


def _session_starts(rng: np.random.Generator, rate: float, first: float, days: int) -> np.ndarray:
    """Session start days (offsets before ``as_of``, fractional) of a renewal process with
    ``rate`` sessions per 30 days and gamma gaps of shape 6 (fairly regular), from ``first``
    days before ``as_of`` on."""
    shape = 6.0
    gaps = rng.gamma(shape, 30.0 / rate / shape, int(first * rate / 30 * 2) + 10)
    at = first - rng.uniform(0, 1) * gaps[0] - np.concatenate([[0.0], np.cumsum(gaps[1:])])
    return at[(at >= 0) & (at < days)]


def _web_events(
    rng: np.random.Generator, cust: dict, orders: pd.DataFrame, products: pd.DataFrame,
    cal: _Calendar,
) -> tuple[pd.DataFrame, list[str]]:  # fmt: skip
    """The site's events of the last :data:`WEB_DAYS` days (see the module notes) and the
    customers planted with a fall of their portal sessions."""
    ids = cust["frame"]["customer_id"].to_numpy()
    group = cust["group"]
    slug_of = {line[1]: WEB_LINE_SLUGS[line[0]] for line in PRODUCT_LINES}
    window = orders[orders["order_date"] > pd.Timestamp(cal.dates([cal.w24])[0])]
    line = window["sku"].map(dict(zip(products["sku"], products["product_line"], strict=True)))
    bought = line.groupby(window["customer_id"]).unique()
    slugs = list(WEB_LINE_SLUGS.values())
    users = [i for i in range(len(ids)) if rng.random() < WEB_USERS.get(int(group[i]), 0.0)]
    rates = {i: rng.uniform(*WEB_RATE[int(group[i])]) for i in users}
    falls: list[int] = []
    for g in (KEY, REG):  # half of the falls among the key clients, half among the regular
        strong = [i for i in users if group[i] == g and rates[i] >= 4.0]
        falls += rng.choice(strong, size=min(WEB_FALLS // 2, len(strong)), replace=False).tolist()
    midnight = (cal.as_of + np.timedelta64(1, "D")).astype("datetime64[s]").astype(np.int64)
    log = _WebLog()
    n_visitor = iter(range(1, 10**6))
    for i in users:
        customer = str(ids[i])
        own = [slug_of[name] for name in bought.get(customer, [])] or slugs[:1]
        others = [s for s in slugs if s not in own]
        size = min(len(others), int(rng.integers(0, 3)))
        wanted = [str(s) for s in rng.choice(others, size=size, replace=False)]
        first = float(rng.uniform(WEB_DAYS * 0.5, WEB_DAYS)) if rng.random() < 0.3 else WEB_DAYS
        starts = _session_starts(rng, rates[i], first, WEB_DAYS)
        if i in falls:
            late = starts < WEB_FALL_DAYS
            starts = starts[~late | (rng.random(len(starts)) < WEB_FALL_FACTOR)]
        devices = [f"v_{next(n_visitor):06d}" for _ in range(1 + (rng.random() < 0.3))]
        signed: set[str] = set()
        for offset in np.sort(starts)[::-1]:  # oldest first
            visitor = devices[int(rng.integers(0, len(devices)))]
            day = np.floor(offset)
            start = midnight - (day + 1) * 86400 + rng.uniform(8, 19) * 3600
            pick = [own[int(rng.integers(0, len(own)))] for _ in range(int(rng.integers(1, 4)))]
            if wanted and rng.random() < 0.35:
                pick.append(wanted[int(rng.integers(0, len(wanted)))])
            viewport = WEB_VIEWPORTS[int(visitor[2:]) % len(WEB_VIEWPORTS)]
            sign_in = visitor not in signed or rng.random() < 0.25
            signed.add(visitor)
            _web_session(rng, log, visitor, start, viewport, customer=customer,
                         sign_in=sign_in, lines=pick, order=rng.random() < 0.45)  # fmt: skip
    for _ in range(WEB_ANONYMOUS):
        visitor = f"v_{next(n_visitor):06d}"
        for offset in rng.uniform(0, WEB_DAYS, int(rng.integers(1, 4))):
            start = midnight - (np.floor(offset) + 1) * 86400 + rng.uniform(0, 24) * 3600
            pick = [slugs[int(rng.integers(0, len(slugs)))] for _ in range(int(rng.integers(1, 4)))]
            viewport = WEB_VIEWPORTS[int(rng.integers(0, len(WEB_VIEWPORTS)))]
            _web_session(rng, log, visitor, start, viewport, customer=None, sign_in=False,
                         lines=pick, order=False)  # fmt: skip
    frame = pd.DataFrame(log.rows, columns=list(_WebLog.COLUMNS))
    frame = frame[frame["ts"] < midnight].sort_values(["ts", "visitor_id"], kind="stable")
    millis = (frame["ts"].to_numpy() * 1000).astype(np.int64)
    frame["ts"] = millis.astype("datetime64[ms]").astype("datetime64[ns]")
    delay = rng.integers(50, 3000, len(frame)).astype("timedelta64[ms]")
    frame["received_at"] = frame["ts"] + delay.astype("timedelta64[ns]")
    frame["event_id"] = [f"e_{n:07d}" for n in range(1, len(frame) + 1)]
    frame["href"] = None
    for column in ("scroll_depth", "viewport_w", "viewport_h"):
        frame[column] = frame[column].astype("Int64")
    return frame.reset_index(drop=True), [str(ids[i]) for i in falls]


def generate(*, seed: int, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """Generate the ``b2b-food`` tables for the analysis date ``as_of``, reproducibly by ``seed``.

    Returns DataFrames for ``customers`` (canonical columns plus ``account_manager``),
    ``contacts``, ``products``, ``orders`` (one row per order line; returns are negative lines),
    ``interactions``, ``consents``, ``sends``, ``responses`` (NPS, CSI and CES survey answers,
    comments in Russian and English), ``leads`` and ``channel_costs`` (:func:`_leads`). Dates
    are ``datetime64`` at midnight and timestamps (``sends``, ``leads``) ``datetime64``; none is
    after ``as_of``.
    """
    rng = np.random.default_rng(seed)
    cal = _Calendar(as_of)
    products, sku = _products(rng, cal)
    cust = _customers(rng, cal)
    orders = _orders(rng, cust, sku, cal)
    contacts = _contacts(rng, cust, cal)
    interactions = _interactions(rng, cust, cal)
    # communications come from a stream of their own: the tables above stay as they were
    crng = np.random.default_rng([seed, 1])
    consents, audience = _consents(crng, cust, contacts, cal)
    sends, opt_outs = _sends(crng, cust, audience, cal)
    consents = pd.concat([consents, opt_outs], ignore_index=True)
    orders = _campaign_effects(crng, cust, orders, sends, sku, cal)
    # survey responses too: a stream of their own, the tables above stay as they were
    responses = _responses(np.random.default_rng([seed, 2]), cust, orders, interactions, cal)
    # the satisfaction initiative's effect: a stream of its own, only those NPS answers change
    responses = _initiative_effect(np.random.default_rng([seed, 4]), cust, responses, cal)
    # leads and channel costs: a stream of their own, the tables above stay as they were
    leads, channel_costs = _leads(np.random.default_rng([seed, 3]), orders, cal)
    orders["price"] = orders["list_price"] * (1 - orders["discount"])  # the unit price paid
    # the site's events: a stream of their own, the tables above stay as they were
    web_events, _ = _web_events(np.random.default_rng([seed, 5]), cust, orders, products, cal)
    tables = {
        "customers": cust["frame"],
        "contacts": contacts,
        "products": products,
        "orders": orders,
        "interactions": interactions,
        "consents": consents,
        "sends": sends,
        "responses": responses,
        "leads": leads,
        "channel_costs": channel_costs,
        "web_events": web_events,
    }
    for name in TABLES.keys() - tables.keys():  # tables this data set has no rows for
        tables[name] = pd.DataFrame(columns=TABLES[name].names)
    for name, frame in tables.items():
        canonical = TABLES[name].names
        extra = [c for c in frame.columns if c not in canonical]
        tables[name] = frame[canonical + extra].reset_index(drop=True)
    return tables
