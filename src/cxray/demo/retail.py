"""Demo profile ``retail``: a grocery and household retailer with a loyalty programme.

Unlike ``b2b-food`` (a few thousand rows kept in memory), this profile is sized by the caller --
by default 10 million order lines, several hundred thousand card holders -- and streamed to
Parquet files, one per canonical table, a chunk of customers at a time, so memory stays bounded
whatever the size::

    from cxray.demo import retail
    paths = retail.write(Path("demo-retail"), lines=1_000_000, seed=7)
    paths["orders"]  # Path('demo-retail/orders.parquet')

Everything is vectorised (NumPy draws, Arrow compute for the id strings) and reproducible: each
chunk draws from its own ``SeedSequence(seed, spawn_key=...)``, so the same seed and size give
byte-identical files.

The story
---------
The retailer runs ~110 stores in 13 regions and launched its loyalty card five years before
``as_of``: a wave of sign-ups in the first months, then acquisition growing ~15% a year, busier
in December and September, with a burst whenever a new store opens. Every card holder is a
*known* customer (``customers``; extra attributes ``store``, ``loyalty_tier`` -- the tier in the
points programme below, empty for non-members -- and ``age_band``).

Purchases follow a BG/NBD-like process. Each card holder has a latent shopping rate (gamma
heterogeneity: most shop a few times a year, some weekly) and a dropout probability after every
purchase (beta, lower for satisfied customers); the first purchase is on the sign-up day, repeat
purchases come on a calendar clock (weekends, the days before New Year and 8 March are busier,
1 January is quiet) until the customer drops out or ``as_of`` is reached. So the base churns, each
acquisition cohort decays, and many customers are "likely gone". A few card holders registered
in the app or on the website and never bought.

Each order (``order_id``, lines 1..k) is placed in a store, online or in the app (online grows
over the years; online baskets are bigger) and holds ~4-5 lines on average, more in December.
Lines come from 15 product lines and ~2,300 SKUs with Zipf popularity. Every customer buys only
some product lines (by segment: families buy baby goods, students snacks and drinks, few seniors
buy alcohol ...), so there is white space, and keeps coming back to favourite SKUs. Product lines
have seasons (beverages and the barbecue / picnic line in summer, alcohol, sweets and fish in
December). List prices rise with inflation per product line; some SKUs are on promotion in some
months, and app orders get personal coupons (``amount = quantity * list_price * (1 - discount)``,
to the kopeck). Produce, meat and fish are partly sold by weight (fractional quantities). A few
lines are returned, booked as negative lines with the customer's next order. SKUs are launched and
delisted during the history. Spend per customer varies (gamma), so about a quarter to a third of
the active customers give 70% of the revenue: far less concentrated than B2B.

Communications and feedback
---------------------------
Most card holders left a phone number, digitally minded ones an e-mail; phones of customers gone
for years are often no longer current, and some customers changed their contact (an old,
non-current row and a new one). Only customers that use the app or read e-mails interact
(``interactions``: app logins, e-mail opens, a few calls and chats), so *reachable* customers (a
current contact and an interaction in the last 365 days) are a minority of the known ones.
``consents``: e-mail and SMS opt-ins and opt-outs with a promised frequency; unsubscribing from a
campaign adds an opt-out. ``sends``: three past campaigns before ``as_of`` (an e-mail with
personal offers that worked, an SMS win-back with a small effect, a weekend e-mail with none),
each with a control group. ``responses``: NPS after a purchase from ~1.5% of the customers, lower
for the customers about to leave, some with a comment in Russian or English.

The points programme and its true effect
----------------------------------------
Four years before ``as_of`` the retailer added a points programme to the card
(``loyalty_members``, ``loyalty_rewards``). Customers are invited at random times (four a year)
and join with a chance that grows with their purchase days in the 365 days before the invitation
and drops when they have not bought for 60 days: frequent, recent buyers join, so members would
have bought more anyway and a naive member / non-member comparison overstates the effect. Only the
history before the join day drives the choice, so matching on it can remove the selection. 1% of
the new customers take the card with their first purchase (members without history). About 9%
of the active customers are members, with ~19% of the last year's revenue; a few (~4%) left.
Each receipt of a member earns ``floor(amount x rate)`` points at its tier's rate (2 / 3 / 5 / 7%:
the member's spend of the last 365 days cut at 5,000 / 15,000 / 30,000 roubles: rewards grow
with loyalty), a point being worth a rouble; three quarters of the members spend vouchers of
100, 200 or 500 points on the receipt after reaching them, the rest is breakage (about half of
the points is redeemed; the points earned cost ~2.8% of the members' revenue).

**The true effect** (``write(loyalty_effect=1.0)``; 0 switches it off, 2 doubles it): after
joining, in every calendar month of its membership (J + k months inclusive to J + k + 1 months)
a member makes Poisson(:data:`LOYALTY_EXTRA_DAYS_PER_MONTH` = 0.25 x ``loyalty_effect``) extra
purchases on uniformly drawn days, whether or not it would still be shopping, until it leaves.
Each is an ordinary basket of the same shopper (its product lines, favourite SKUs, channel and
spend level), with order id ``RL...``. So the design effect on revenue is 0.25 x
:data:`LOYALTY_EXTRA_BASKET` (1,076 roubles, the mean extra basket in the post windows of the
default demo) = :data:`LOYALTY_EXTRA_REVENUE_PER_MONTH` = 269 roubles per member per month of the
post window; the pre-period and the non-members are untouched, so it is the difference in
differences that a comparison with matched non-members estimates. On
retention (a purchase day in the 6-month post window) it adds 1 - exp(-1.5) = 78% of the
members that would not have bought in the window.

**The in-sample truth**: the extra purchases draw from random streams of their own (and the
membership from another), so with the same seed and ``loyalty_effect=0`` every other draw is the
same, and the data set without the ``RL`` orders *is* the data set without the effect. The
in-sample effect is the evaluated members' post-window revenue with the effect minus without it,
per member and month -- their ``RL`` orders' revenue in the window / (members x window months)
-- and the same difference for retention: :func:`true_effect` computes both for a written data
set, in the terms of ``cxray loyalty``'s estimate (members joined by ``as_of`` - window, not left
in the window, with a purchase day in the 12 months before joining). On the default demo (seed
42, 10M lines, 363,296 customers, 22,706 members, 15,764 evaluated) it is 272.2 roubles per
member-month (0.2530 extra purchases) and +25.1 points of retention (67.6% -> 92.8%).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cxray.demo.b2b_food import _TRANSLIT, FEMALE_NAMES, MALE_NAMES, SURNAMES
from cxray.demo.dates import DEFAULT_AS_OF
from cxray.ingest.schema import TABLES

DEFAULT_LINES = 10_000_000
HISTORY_YEARS = 5
CHUNK_CUSTOMERS = 20_000  # customers generated and written at a time (~550,000 order lines)
BLOCK_LINES = 1_000_000  # order lines per block when choosing product lines (bounds memory)
COMPRESSION = "zstd"

# --- customers ---------------------------------------------------------------------------------
SEGMENTS = ("Семьи с детьми", "Пары", "Одинокие", "Пенсионеры", "Студенты")
SEGMENT_P = np.array([0.30, 0.22, 0.20, 0.18, 0.10])
SEGMENT_FREQ = np.array([1.10, 1.0, 0.90, 1.25, 0.80])  # shopping rate
SEGMENT_SPEND = np.array([1.30, 1.05, 0.80, 0.80, 0.60])  # basket size and quantities
DIGITAL_BETA = np.array([[2.0, 3.0], [2.0, 3.0], [3.0, 2.0], [0.8, 5.0], [4.0, 1.5]])
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_P = np.array(
    [
        [0.02, 0.38, 0.42, 0.15, 0.03, 0.00],
        [0.08, 0.30, 0.22, 0.20, 0.15, 0.05],
        [0.12, 0.35, 0.20, 0.15, 0.12, 0.06],
        [0.00, 0.00, 0.00, 0.02, 0.33, 0.65],
        [0.90, 0.10, 0.00, 0.00, 0.00, 0.00],
    ]
)
SOURCE_CHANNELS = ("store_checkout", "app", "website", "partner", "promo_event")
SOURCE_P = np.array([0.64, 0.18, 0.08, 0.04, 0.06])
ONLINE_SOURCES = (1, 2)
NEVER_BOUGHT = (0.02, 0.22)  # share of card holders that never bought: offline / online sign-up
FEMALE_SHARE = 0.62
TIERS = ("базовый", "серебряный", "золотой", "платиновый")  # of the points programme
TIER_BOUNDS = np.array([5_000.0, 15_000.0, 30_000.0])  # spend of the last 365 days, roubles

# regions: (region, cities, stores)
STORE_REGIONS = (
    ("Москва", ("Москва",), 26),
    ("Московская область", ("Химки", "Балашиха", "Подольск", "Мытищи", "Люберцы"), 14),
    ("Санкт-Петербург", ("Санкт-Петербург",), 14),
    ("Ленинградская область", ("Всеволожск", "Гатчина"), 4),
    ("Республика Татарстан", ("Казань", "Набережные Челны"), 8),
    ("Нижегородская область", ("Нижний Новгород", "Дзержинск"), 7),
    ("Свердловская область", ("Екатеринбург",), 7),
    ("Самарская область", ("Самара", "Тольятти"), 6),
    ("Краснодарский край", ("Краснодар", "Сочи", "Новороссийск"), 9),
    ("Ростовская область", ("Ростов-на-Дону", "Таганрог"), 6),
    ("Воронежская область", ("Воронеж",), 4),
    ("Ярославская область", ("Ярославль",), 3),
    ("Тульская область", ("Тула",), 3),
)
STORES_AT_LAUNCH = 0.75  # share of stores open before the loyalty programme started

# --- the purchase process (rates per day of average intensity) ----------------------------------
LAM_SHAPE, LAM_MEAN, LAM_MAX = 2.0, 0.016, 0.45  # gamma shopping rate
DROPOUT_A, DROPOUT_B = 1.2, 6.0  # beta dropout probability after each purchase
MOOD_CHURN = 0.4  # satisfied customers (mood > 0) drop out less
SPEND_SHAPE = 5.0  # gamma spend level (mean 1 before the segment factor)
BASKET_LINES = 3.5  # mean extra lines per order beyond the first, at spend level 1
ONLINE_BASKET = 1.5  # online and app baskets are bigger
MAX_LINES = 60
DIGITAL_START = 0.35  # online / app adoption at the start of the history (1 at as_of)
ONLINE_SHARE = 0.55  # share of a fully digital customer's orders placed online or in the app
FAVOURITE = (3.0, 3.0)  # beta: share of a customer's lines taken from its favourite SKUs
RETURN_RATE = 0.006  # share of piece lines returned with the next order (within 30 days)
RETURN_DAYS = 30

VISIT_SEASON = np.array([0.92, 0.92, 0.98, 0.98, 1.02, 1.0, 0.98, 1.0, 1.0, 1.0, 1.02, 1.22])
BASKET_SEASON = np.array([0.95, 0.97, 1.0, 1.0, 1.03, 1.05, 1.05, 1.03, 1.0, 1.0, 1.02, 1.28])
WEEKDAY_WEIGHT = np.array([0.85, 0.88, 0.90, 0.95, 1.15, 1.30, 1.10])  # Mon..Sun
ACQ_SEASON = np.array([0.9, 0.9, 1.0, 1.0, 0.95, 0.9, 0.9, 1.0, 1.1, 1.05, 1.1, 1.25])
ACQ_GROWTH = 0.15  # yearly growth of sign-ups
LAUNCH_WAVE, LAUNCH_TAU = 4.0, 75.0  # extra sign-ups at the launch, decaying (days)

CHANNELS = ("store", "online", "app")
STORE, ONLINE, APP = range(3)

# --- the points programme (loyalty_members, loyalty_rewards) --------------------------------------
LOYALTY_YEARS = 4  # launched this many years before as_of
LOYALTY_OFFERS_PER_YEAR = 4.0  # invitations per customer and year
LOYALTY_JOIN_P = 0.05  # chance to join at an invitation, at most ...
LOYALTY_JOIN_DAYS = 6.0  # ... times 1 - exp(-purchase days in the 365 days before / this)
LOYALTY_RECENT_DAYS, LOYALTY_LAPSED = 60, 0.3  # not bought for 60 days: a third of the chance
LOYALTY_AT_SIGNUP = 0.01  # share of new customers that take the card with the first purchase
LOYALTY_LEAVE, LOYALTY_LEAVE_DAYS = 0.06, 365.0  # members that leave, after ~exponential days
LOYALTY_EXTRA_DAYS_PER_MONTH = 0.25  # THE TRUE EFFECT: extra purchase days per member-month
# the mean revenue of one extra purchase in the evaluated members' post windows, measured on the
# default demo (seed 42, 10M lines: ~23,900 extra orders); another seed or size gives within ~2%
LOYALTY_EXTRA_BASKET = 1_076.0
LOYALTY_EXTRA_REVENUE_PER_MONTH = LOYALTY_EXTRA_DAYS_PER_MONTH * LOYALTY_EXTRA_BASKET
LOYALTY_REWARD_RATE = (0.02, 0.03, 0.05, 0.07)  # points per rouble, by tier: loyalty pays more
LOYALTY_POINT_VALUE = 1.0  # roubles per point
LOYALTY_REDEEMERS = 0.75  # members that ever spend points; the others' are breakage
LOYALTY_VOUCHERS = (100, 200, 500)  # points spent at a time (the member's own size)
LOYALTY_ORDER_PREFIX = "RL"  # the order ids of the extra purchases (RL000000001 ...)
LOYALTY_CARD_PREFIX = "7701"

# --- products ---------------------------------------------------------------------------------
PRIVATE_LABEL = "Наш выбор"
DISCOUNTS = np.array([0.10, 0.15, 0.20, 0.25, 0.30, 0.50])
DISCOUNT_P = np.array([0.25, 0.25, 0.2, 0.12, 0.12, 0.06])
PROMO_RATE = 0.12  # share of SKU-months on promotion
COUPON_RATE, COUPON = 0.08, 0.15  # personal app coupons: share of app lines, discount
ZIPF = 1.05
INFLATION = (0.05, 0.12)  # yearly price growth range per product line
WEIGHT = "кг"  # the pack of goods sold by weight

# (code, name, median price, weight per unit rate, SKUs, quantity rate, line weight,
#  season Jan..Dec, brands, {category: (items, packs)})
PRODUCT_LINES = (
    (
        "DAI", "Молочные продукты", 95.0, 0.7, 340, 0.35, 1.7,
        (1.0, 1.0, 1.0, 1.0, 1.0, 0.97, 0.95, 0.96, 1.0, 1.0, 1.02, 1.12),
        ("Молочная долина", "Бурёнкино", "Альпийский луг", "Фермерское подворье", PRIVATE_LABEL),
        {
            "Молоко": (("Молоко 2,5%", "Молоко 3,2%", "Молоко топлёное 4%",
                        "Молоко безлактозное 1,5%", "Молоко ультрапастеризованное 3,2%"),
                       ("930 мл", "1,4 л")),
            "Кисломолочные продукты": (("Кефир 1%", "Кефир 3,2%", "Ряженка 4%", "Варенец",
                                        "Айран", "Снежок"), ("450 г", "900 г")),
            "Творог и сметана": (("Творог 5%", "Творог 9%", "Творог обезжиренный", "Сметана 15%",
                                  "Сметана 20%", "Творожная масса с изюмом"), ("180 г", "350 г")),
            "Йогурты и десерты": (("Йогурт клубника", "Йогурт греческий",
                                   "Йогурт питьевой персик", "Сырок глазированный",
                                   "Пудинг ванильный", "Биойогурт натуральный"),
                                  ("45 г", "130 г", "270 г")),
            "Сыры": (("Сыр Российский", "Сыр Гауда", "Сыр Моцарелла", "Сыр плавленый",
                      "Сыр Сулугуни", "Сыр Маасдам", "Сыр творожный"), ("150 г", "200 г", "400 г")),
            "Масло сливочное": (("Масло сливочное 72,5%", "Масло сливочное 82,5%",
                                 "Масло крестьянское", "Спред растительно-сливочный"),
                                ("180 г", "400 г")),
            "Яйца": (("Яйца куриные С1", "Яйца куриные С0", "Яйца перепелиные"),
                     ("10 шт", "20 шт")),
        },
    ),
    (
        "BAK", "Хлеб и выпечка", 65.0, 0.7, 150, 0.30, 1.4,
        (0.98, 1.0, 1.0, 1.05, 1.0, 0.97, 0.95, 0.96, 1.0, 1.0, 1.0, 1.08),
        ("Пекарня у дома", "Хлебный дом", "Каравай", PRIVATE_LABEL),
        {
            "Хлеб": (("Хлеб Бородинский", "Хлеб Дарницкий", "Хлеб зерновой",
                      "Хлеб белый формовой", "Хлеб цельнозерновой"), ("300 г", "500 г", "700 г")),
            "Батоны и багеты": (("Батон нарезной", "Батон с отрубями", "Багет французский",
                                 "Чиабатта"), ("250 г", "400 г")),
            "Сдоба и выпечка": (("Булочка с маком", "Круассан", "Ватрушка с творогом",
                                 "Слойка с вишней", "Пирожок с капустой", "Синнабон"),
                                ("70 г", "300 г")),
            "Хлебцы и сушки": (("Хлебцы ржаные", "Сушки ванильные", "Баранки", "Хлебцы гречневые"),
                               ("100 г", "300 г")),
            "Лаваш и лепёшки": (("Лаваш армянский", "Лепёшка тандырная", "Тортилья пшеничная"),
                                ("200 г", "400 г")),
        },
    ),
    (
        "PRO", "Овощи и фрукты", 170.0, 0.9, 140, 0.30, 1.6,
        (0.95, 0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.25, 1.15, 1.0, 0.95, 1.15),
        ("Россия", "Турция", "Египет", "Узбекистан", "Сады Кубани", "Эквадор"),
        {
            "Овощи": (("Картофель", "Морковь", "Лук репчатый", "Капуста белокочанная", "Свёкла",
                       "Огурцы среднеплодные", "Томаты", "Перец сладкий", "Кабачки"), (WEIGHT,)),
            "Фрукты": (("Яблоки Гала", "Яблоки Голден", "Груши Конференция", "Апельсины",
                        "Мандарины", "Лимоны", "Бананы", "Виноград", "Хурма"), (WEIGHT,)),
            "Зелень и салаты": (("Укроп", "Петрушка", "Салат Айсберг", "Руккола", "Лук зелёный"),
                                ("50 г", "100 г")),
            "Ягоды и экзотика": (("Клубника", "Голубика", "Черешня", "Манго", "Авокадо"),
                                 ("250 г", WEIGHT)),
        },
    ),
    (
        "MEA", "Мясо и птица", 420.0, 0.8, 130, 0.15, 0.9,
        (0.95, 0.95, 0.95, 1.0, 1.15, 1.1, 1.05, 1.05, 0.95, 0.95, 1.0, 1.3),
        ("Фермерский двор", "Мясной ряд", "Золотой гребешок", PRIVATE_LABEL),
        {
            "Птица": (("Филе куриное", "Бедро куриное", "Голень куриная", "Крылья куриные",
                       "Тушка цыплёнка", "Филе индейки"), (WEIGHT, "900 г")),
            "Свинина и говядина": (("Свинина шея", "Свинина лопатка", "Говядина вырезка",
                                    "Говядина котлетное мясо", "Рёбра свиные"), (WEIGHT,)),
            "Фарш": (("Фарш домашний", "Фарш говяжий", "Фарш куриный"), ("400 г", WEIGHT)),
            "Колбасы и сосиски": (("Колбаса докторская", "Колбаса сервелат", "Сосиски молочные",
                                   "Сардельки", "Ветчина", "Бекон"), ("300 г", "450 г")),
        },
    ),
    (
        "FSH", "Рыба и морепродукты", 380.0, 0.6, 100, 0.15, 0.45,
        (0.95, 0.95, 1.1, 1.0, 0.9, 0.85, 0.85, 0.85, 0.95, 1.0, 1.05, 1.55),
        ("Морской берег", "Северный улов", "Балтийская рыба", PRIVATE_LABEL),
        {
            "Свежая и охлаждённая рыба": (("Сёмга стейк", "Форель филе", "Треска", "Дорадо",
                                           "Скумбрия"), (WEIGHT,)),
            "Сельдь и пресервы": (("Сельдь в масле", "Филе сельди", "Сельдь пряного посола"),
                                  ("250 г", "500 г")),
            "Копчёная рыба": (("Скумбрия горячего копчения", "Горбуша холодного копчения",
                               "Сёмга слабосолёная"), ("150 г", "300 г")),
            "Икра и морепродукты": (("Икра лососёвая", "Креветки варёно-мороженые",
                                     "Крабовые палочки", "Кальмар тушка"),
                                    ("100 г", "200 г", "500 г")),
        },
    ),
    (
        "FRZ", "Замороженные продукты", 230.0, 0.0, 130, 0.25, 0.6,
        (1.05, 1.0, 0.95, 0.95, 1.0, 1.2, 1.35, 1.3, 0.95, 0.9, 0.95, 1.0),
        ("Морозко", "Снежный край", "Ледяной домик", PRIVATE_LABEL),
        {
            "Пельмени и вареники": (("Пельмени Сибирские", "Пельмени из индейки",
                                     "Вареники с картофелем", "Вареники с вишней", "Хинкали",
                                     "Манты"), ("450 г", "900 г")),
            "Мороженое": (("Пломбир в стаканчике", "Эскимо", "Мороженое в ведёрке",
                           "Рожок шоколадный", "Фруктовый лёд"), ("70 г", "450 г")),
            "Замороженные овощи и ягоды": (("Смесь мексиканская", "Брокколи",
                                            "Фасоль стручковая", "Ягодная смесь"),
                                           ("400 г", "1 кг")),
            "Полуфабрикаты": (("Наггетсы куриные", "Котлеты домашние", "Блины с мясом",
                               "Пицца Маргарита", "Сырники"), ("300 г", "600 г")),
        },
    ),
    (
        "GRO", "Бакалея", 110.0, 0.0, 360, 0.35, 1.2,
        (1.05, 1.0, 1.0, 1.0, 0.95, 0.95, 0.95, 1.0, 1.05, 1.05, 1.05, 1.1),
        ("Золотое поле", "Хозяюшка", "Итальянский стиль", "Алтайская нива", PRIVATE_LABEL),
        {
            "Крупы": (("Гречка ядрица", "Рис круглозёрный", "Рис басмати", "Овсяные хлопья",
                       "Пшено", "Булгур", "Чечевица"), ("450 г", "900 г")),
            "Макароны": (("Спагетти", "Перья", "Рожки", "Лапша яичная", "Фузилли"),
                         ("400 г", "900 г")),
            "Масло и соусы": (("Масло подсолнечное", "Масло оливковое", "Майонез 67%",
                               "Кетчуп томатный", "Соус соевый"), ("250 мл", "500 мл", "1 л")),
            "Чай и кофе": (("Чай чёрный", "Чай зелёный", "Кофе молотый", "Кофе растворимый",
                            "Кофе в зёрнах", "Какао"), ("100 г", "250 г", "1 кг")),
            "Консервы": (("Горошек зелёный", "Кукуруза сладкая", "Тушёнка говяжья",
                          "Сайра натуральная", "Томаты в собственном соку"), ("340 г", "425 г")),
            "Сахар, соль, мука": (("Сахар-песок", "Соль поваренная", "Мука пшеничная",
                                   "Разрыхлитель"), ("1 кг", "2 кг")),
        },
    ),
    (
        "BEV", "Напитки", 95.0, 0.0, 150, 0.60, 1.0,
        (0.75, 0.75, 0.85, 0.95, 1.15, 1.5, 1.75, 1.6, 1.05, 0.85, 0.8, 1.25),
        ("Родник", "Летний сад", "Бодрость", PRIVATE_LABEL),
        {
            "Вода": (("Вода питьевая негазированная", "Вода минеральная газированная",
                      "Вода детская"), ("0,5 л", "1,5 л", "5 л")),
            "Соки и морсы": (("Сок яблочный", "Сок апельсиновый", "Нектар персиковый",
                              "Сок томатный", "Морс клюквенный"), ("0,2 л", "1 л", "2 л")),
            "Газированные напитки": (("Лимонад", "Кола", "Тархун", "Дюшес", "Тоник"),
                                     ("0,33 л", "1,5 л")),
            "Квас и холодный чай": (("Квас хлебный", "Чай холодный лимон", "Чай холодный персик",
                                     "Энергетик"), ("0,5 л", "1,5 л")),
        },
    ),
    (
        "SNK", "Снеки и сладости", 120.0, 0.0, 260, 0.40, 1.1,
        (0.9, 1.1, 1.15, 0.95, 0.9, 0.85, 0.85, 0.9, 1.0, 1.05, 1.05, 1.6),
        ("Хруст", "Сладкий край", "Кондитер", "Заря", PRIVATE_LABEL),
        {
            "Чипсы и сухарики": (("Чипсы со сметаной и луком", "Чипсы с солью",
                                  "Сухарики ржаные", "Попкорн солёный", "Начос"),
                                 ("40 г", "140 г")),
            "Шоколад и конфеты": (("Шоколад молочный", "Шоколад горький 70%", "Конфеты ассорти",
                                   "Конфеты трюфель", "Батончик шоколадный", "Зефир"),
                                  ("40 г", "90 г", "200 г")),
            "Печенье и вафли": (("Печенье овсяное", "Печенье сахарное", "Вафли шоколадные",
                                 "Пряники мятные", "Крекер"), ("150 г", "400 г")),
            "Орехи и сухофрукты": (("Арахис солёный", "Фисташки", "Миндаль", "Курага", "Изюм",
                                    "Семечки"), ("50 г", "150 г", "300 г")),
        },
    ),
    (
        "ALC", "Алкоголь", 450.0, 0.0, 110, 0.50, 0.6,
        (0.8, 0.9, 1.0, 0.95, 1.15, 1.2, 1.3, 1.2, 0.95, 0.9, 0.95, 1.9),
        ("Северная пивоварня", "Винный погреб", "Крымская лоза", PRIVATE_LABEL),
        {
            "Пиво и сидр": (("Пиво светлое", "Пиво тёмное", "Пиво нефильтрованное",
                             "Пиво безалкогольное", "Сидр яблочный"), ("0,45 л", "1,35 л")),
            "Вино": (("Вино красное сухое", "Вино белое сухое", "Вино розовое полусладкое",
                      "Вино красное полусладкое"), ("0,75 л", "1,5 л")),
            "Игристые вина": (("Игристое брют", "Игристое полусладкое", "Игристое розовое"),
                              ("0,75 л",)),
            "Крепкие напитки": (("Водка", "Коньяк 5 лет", "Виски купажированный", "Ром",
                                 "Настойка клюквенная"), ("0,5 л", "0,7 л")),
        },
    ),
    (
        "HOU", "Бытовая химия", 230.0, 0.0, 130, 0.15, 0.45,
        (1.0, 1.0, 1.05, 1.1, 1.05, 1.0, 0.95, 0.95, 1.0, 1.0, 1.0, 1.05),
        ("Чистый дом", "Блеск", "Свежесть", PRIVATE_LABEL),
        {
            "Стирка": (("Стиральный порошок", "Гель для стирки", "Кондиционер для белья",
                        "Пятновыводитель"), ("1 кг", "3 кг")),
            "Посуда и кухня": (("Средство для мытья посуды", "Гель для посудомоечной машины",
                                "Чистящее средство для плит"), ("500 мл", "1 л")),
            "Уборка": (("Средство для мытья полов", "Средство для стёкол",
                        "Чистящий гель для ванной", "Средство для унитаза"), ("500 мл", "1 л")),
            "Бумажные товары": (("Туалетная бумага", "Бумажные полотенца", "Салфетки бумажные"),
                                ("4 шт", "8 шт", "12 шт")),
            "Хозяйственные мелочи": (("Мешки для мусора 60 л", "Губки для посуды",
                                      "Пакеты для заморозки", "Плёнка пищевая"),
                                     ("10 шт", "20 шт")),
        },
    ),
    (
        "PER", "Личная гигиена и косметика", 260.0, 0.0, 110, 0.15, 0.45,
        (0.95, 1.2, 1.25, 1.0, 0.95, 0.95, 0.95, 0.95, 1.0, 1.0, 1.0, 1.3),
        ("Лесная свежесть", "Натура", "Белая роса", PRIVATE_LABEL),
        {
            "Уход за волосами": (("Шампунь для всех типов волос", "Бальзам-ополаскиватель",
                                  "Шампунь против перхоти", "Маска для волос"),
                                 ("250 мл", "400 мл")),
            "Уход за телом": (("Гель для душа", "Жидкое мыло", "Крем для рук",
                               "Дезодорант-спрей"), ("150 мл", "250 мл")),
            "Гигиена полости рта": (("Зубная паста отбеливающая", "Зубная паста для дёсен",
                                     "Ополаскиватель для рта"), ("75 мл", "250 мл")),
            "Гигиенические товары": (("Ватные диски", "Ватные палочки", "Прокладки ежедневные",
                                      "Бритвенные станки"), ("1 уп.", "2 уп.")),
        },
    ),
    (
        "BAB", "Детские товары", 320.0, 0.0, 90, 0.50, 0.9,
        (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.02, 1.0, 1.0, 1.05),
        ("Маленькое чудо", "Карапуз", "Солнышко", PRIVATE_LABEL),
        {
            "Подгузники": (("Подгузники 3 (4-9 кг)", "Подгузники 4 (7-18 кг)",
                            "Подгузники 5 (11-25 кг)", "Трусики-подгузники 5"),
                           ("30 шт", "60 шт")),
            "Детское питание": (("Пюре яблочное", "Пюре мясное", "Каша гречневая молочная",
                                 "Смесь молочная 1", "Сок детский яблочный"), ("100 г", "200 г")),
            "Уход за малышом": (("Влажные салфетки детские", "Крем под подгузник",
                                 "Шампунь детский"), ("1 шт", "3 шт")),
        },
    ),
    (
        "PET", "Зоотовары", 180.0, 0.0, 90, 0.60, 0.7,
        (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.03),
        ("Мурлыка", "Верный друг", "Хвостатый", PRIVATE_LABEL),
        {
            "Корм для кошек": (("Корм сухой для кошек с курицей",
                                "Корм влажный для кошек с говядиной",
                                "Корм для стерилизованных кошек", "Лакомство для кошек"),
                               ("85 г", "400 г", "1,5 кг")),
            "Корм для собак": (("Корм сухой для собак с ягнёнком", "Корм влажный для собак",
                                "Лакомство для собак"), ("100 г", "2 кг")),
            "Наполнители и уход": (("Наполнитель древесный", "Наполнитель комкующийся",
                                    "Пелёнки для животных"), ("5 л", "10 л")),
        },
    ),
    (
        "BBQ", "Дача и пикник", 250.0, 0.0, 70, 0.30, 0.5,
        (0.15, 0.15, 0.3, 0.8, 2.6, 3.0, 3.2, 2.6, 0.9, 0.3, 0.15, 0.25),
        ("Дачный сезон", "Пикник", PRIVATE_LABEL),
        {
            "Гриль": (("Уголь древесный", "Розжиг жидкий", "Решётка для гриля", "Шампуры"),
                      ("1 шт", "2 шт")),
            "Шашлык и маринады": (("Шашлык из свинины маринованный",
                                   "Шашлык куриный маринованный", "Маринад для шашлыка",
                                   "Соус шашлычный"), ("500 г", WEIGHT)),
            "Посуда для пикника": (("Тарелки одноразовые", "Стаканы одноразовые",
                                    "Скатерть для пикника", "Контейнер-термос"),
                                   ("6 шт", "12 шт")),
        },
    ),
)  # fmt: skip
N_LINES = len(PRODUCT_LINES)
LINE_INDEX = {p[0]: i for i, p in enumerate(PRODUCT_LINES)}
LINE_WEIGHT = np.array([p[6] for p in PRODUCT_LINES])
LINE_SEASON = np.array([p[7] for p in PRODUCT_LINES]).T.astype(np.float32)  # months x lines

# probability that a customer of a segment buys a product line at all (rows: SEGMENTS)
#                      DAI  BAK  PRO  MEA  FSH  FRZ  GRO  BEV  SNK  ALC  HOU  PER  BAB  PET  BBQ
SEGMENT_LINES = np.array(
    [
        [.97, .95, .93, .85, .55, .70, .90, .75, .85, .45, .75, .70, .60, .30, .35],
        [.95, .93, .92, .80, .55, .55, .85, .70, .70, .60, .65, .60, .06, .30, .35],
        [.88, .85, .75, .60, .35, .65, .70, .75, .75, .55, .45, .45, .02, .25, .15],
        [.97, .97, .92, .80, .60, .35, .92, .45, .60, .25, .65, .55, .05, .30, .20],
        [.80, .80, .55, .35, .15, .60, .60, .85, .90, .45, .30, .40, .01, .10, .10],
    ]
)  # fmt: skip

# --- communications --------------------------------------------------------------------------
EMAIL_SHARE = (0.20, 0.55)  # e-mail left: base + digital affinity
PHONE_SHARE = 0.88
CHANGED_CONTACT = 0.05  # customers with an older, no longer current contact
EMAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru")
INTERACTION_RATE = 2.2  # per year: times (0.25 + digital affinity), if it uses the app or e-mail
INTERACTION_YEARS = 2  # interactions are kept for the last years only
ENGAGEMENT_TAIL = 150.0  # days a customer that dropped out keeps opening the app and e-mails
# (channel, kind, direction)
INTERACTION_TYPES = (
    ("app", "login", "inbound"),
    ("email", "open", "inbound"),
    ("call_center", "call", "inbound"),
    ("chat", "message", "inbound"),
    ("store", "service_desk", "inbound"),
)
EMAIL_FREQUENCIES = (("1/week", 0.45), ("2/month", 0.35), ("1/month", 0.2))
SMS_FREQUENCIES = (("2/month", 0.5), ("1/month", 0.5))
CONSENT_CONTENT = (
    "акции и персональные предложения",
    "новинки и рецепты",
    "бонусы и статус карты",
)
# (id prefix, channel, days before as_of, audience, control share, extra-order probability)
CAMPAIGNS = (
    ("personal-offers", "email", 130, "bought_365", 0.10, 0.08),
    ("winback", "sms", 75, "lapsed_90_365", 0.20, 0.03),
    ("weekend-deals", "email", 24, "bought_180", 0.15, 0.0),
)
NPS_RATE = 0.03  # share of recent buyers that answer the survey (times 0.6 + digital)
NPS_BONUS = 0.25  # share of the answers rewarded with bonus points (incentivized)
COMMENT_RATE = (0.35, 0.6)  # share of answers with a comment: promoters+passives, detractors
ENGLISH_RATE = 0.1
COMMENTS = {
    ("ru", "neg"): (
        "Очереди на кассах, работает одна касса",
        "Опять просрочка на полке с молочкой",
        "Цены выросли, бонусов почти не начисляют",
        "Курьер опоздал на два часа",
        "Привезли не то, замену не согласовали",
        "В приложении не применился купон",
        "Нет в наличии товаров из акции",
    ),
    ("ru", "mid"): (
        "В целом нормально, но цены высоковаты",
        "Хороший ассортимент, но мало касс",
        "Удобно, но доставка дорогая",
        "Нормально, хотелось бы больше акций на мясо",
    ),
    ("ru", "pos"): (
        "Всё свежее, удобно рядом с домом",
        "Отличные акции по карте, спасибо!",
        "Быстрая доставка, всё привезли целым",
        "Вежливые кассиры и чистый магазин",
        "Удобное приложение и персональные скидки",
    ),
    ("en", "neg"): (
        "Long queues at the checkout",
        "The courier was two hours late",
        "The coupon did not work in the app",
    ),
    ("en", "mid"): ("Good choice, but prices are high", "OK, delivery could be cheaper"),
    ("en", "pos"): (
        "Fresh products and friendly staff",
        "Great deals with the loyalty card",
        "Fast delivery, everything was fine",
    ),
}

ALL_FIRST_NAMES = (*MALE_NAMES, *FEMALE_NAMES)  # female names from len(MALE_NAMES) on
ALL_SURNAMES = (*SURNAMES, *(s + "а" for s in SURNAMES))  # female forms from len(SURNAMES) on

EXTRA_CUSTOMER_COLUMNS = ("store", "loyalty_tier", "age_band")
_ARROW = {
    "string": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "float64": pa.float64(),
    "int64": pa.int64(),
    "boolean": pa.bool_(),
}


def schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table`` as written: the canonical columns in schema order (plus the
    extra customer attributes ``store``, ``loyalty_tier`` and ``age_band``)."""
    fields = [pa.field(c.name, _ARROW[c.type]) for c in TABLES[table].columns]
    if table == "customers":
        fields += [pa.field(name, pa.string()) for name in EXTRA_CUSTOMER_COLUMNS]
    return pa.schema(fields)


# ========================================================================================
# the world: calendar, products, stores (the same for every chunk)
# ========================================================================================


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Calendar:
    """The days of the history as offsets 0..n-1 (n-1 = ``as_of``)."""

    def __init__(self, as_of: dt.date) -> None:
        start = _years_before(as_of, HISTORY_YEARS) + dt.timedelta(days=1)
        self.as_of = as_of
        self.first = (start - dt.date(1970, 1, 1)).days  # day number of offset 0
        self.n = (as_of - start).days + 1
        days = self.first + np.arange(self.n)
        d = days.astype("datetime64[D]")
        months = d.astype("datetime64[M]").astype(np.int64)
        self.moy = (months % 12).astype(np.int64)  # 0 = January
        self.month = months - months[0]  # month index in the history
        self.n_months = int(self.month[-1]) + 1
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        dom = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
        moy = self.moy
        holiday = np.select(
            [
                (moy == 11) & (dom >= 27),  # New Year shopping
                (moy == 0) & (dom == 1),
                (moy == 0) & (dom <= 3),
                (moy == 2) & (dom >= 6) & (dom <= 7),  # 8 March
            ],
            [1.6, 0.3, 0.7, 1.25],
            1.0,
        )
        shop = VISIT_SEASON[moy] * WEEKDAY_WEIGHT[weekday] * holiday
        self.shop = shop / shop.mean()  # shopping intensity, mean 1
        self.cum = np.cumsum(self.shop)  # the calendar clock at the end of each day
        t = np.arange(self.n)
        acq = (
            ACQ_SEASON[moy]
            * WEEKDAY_WEIGHT[weekday]
            * np.exp(ACQ_GROWTH * t / 365.25)
            * (1 + LAUNCH_WAVE * np.exp(-t / LAUNCH_TAU))
        )
        self.acq_cdf = np.cumsum(acq) / acq.sum()
        self.digital = DIGITAL_START + (1 - DIGITAL_START) * t / max(self.n - 1, 1)

    def dates(self, offsets: np.ndarray) -> pa.Array:
        return pa.array((self.first + np.asarray(offsets)).astype(np.int32), pa.date32())

    def micros(self, offsets: np.ndarray) -> np.ndarray:
        """Midnight of each day offset in microseconds since the epoch."""
        return (self.first + np.asarray(offsets, dtype=np.int64)) * 86_400_000_000


@dataclass
class _World:
    cal: _Calendar
    products: pa.Table
    sku_ids: pa.Array
    sku_line: np.ndarray
    sku_cum: np.ndarray  # line index + cumulative popularity within the line, in (l, l + 1]
    anchor: np.ndarray  # per product line: its most popular SKU, always available
    price: np.ndarray  # SKU x month: list price
    promo: np.ndarray  # SKU x month: promotion discount (0 = none)
    kg: np.ndarray  # sold by weight
    qty_rate: np.ndarray  # pieces: mean extra units per line
    kg_mean: np.ndarray  # weight: median kg per line
    launch: np.ndarray  # first month index on sale
    delist: np.ndarray  # first month index no longer on sale
    store_names: pa.Array
    store_regions: pa.Array  # region name per store
    store_cdf: np.ndarray
    store_open: np.ndarray  # day offset of the opening (0: before the history)


def _world(rng: np.random.Generator, cal: _Calendar) -> _World:
    skus, names, lines, cats, brands, base, kg, pack_no = [], [], [], [], [], [], [], []
    for li, spec in enumerate(PRODUCT_LINES):
        code, _name, median, _kg, n_target, _q, _w, _season, line_brands, categories = spec
        combos = [
            (cat, item, pi, pack, brand)
            for cat, (items, packs) in categories.items()
            for item in items
            for pi, pack in enumerate(packs)
            for brand in line_brands
        ]
        pick = np.sort(rng.choice(len(combos), size=min(n_target, len(combos)), replace=False))
        noise = np.exp(rng.normal(0, 0.3, len(pick)))
        for j, ci in enumerate(pick):
            cat, item, pi, pack, brand = combos[ci]
            weight = pack == WEIGHT
            price = median * noise[j] * (1 if weight else 1 + 0.6 * pi)
            price *= 0.8 if brand == PRIVATE_LABEL else 1.0
            skus.append(f"{code}-{j + 1:04d}")
            names.append(f"{item} «{brand}», {pack}" if weight else f"{item} «{brand}» {pack}")
            lines.append(li)
            cats.append(cat)
            brands.append(brand)
            base.append(price)
            kg.append(weight)
            pack_no.append(pi)
    n_sku = len(skus)
    line = np.array(lines)
    base_price = np.array(base)

    # list prices by month: each product line's own inflation, ending at the current price
    rate = rng.uniform(*INFLATION, N_LINES)
    months_left = (cal.n_months - 1 - np.arange(cal.n_months)) / 12
    index = np.exp(-rate[:, None] * months_left[None, :])  # lines x months
    price = np.maximum(np.round(base_price[:, None] * index[line], 0) - 0.01, 9.99)
    cost = np.round(price.min(axis=1) * rng.uniform(0.55, 0.8, n_sku), 2)
    promo = np.where(
        rng.random((n_sku, cal.n_months)) < PROMO_RATE,
        rng.choice(DISCOUNTS, size=(n_sku, cal.n_months), p=DISCOUNT_P),
        0.0,
    )

    # popularity: Zipf within each product line; some SKUs launched or delisted on the way
    popularity = np.empty(n_sku)
    launch = np.zeros(n_sku, dtype=np.int64)
    delist = np.full(n_sku, cal.n_months + 1, dtype=np.int64)
    kind = rng.random(n_sku)
    new, gone = kind < 0.10, (kind >= 0.10) & (kind < 0.16)
    launch[new] = rng.integers(1, max(cal.n_months - 2, 2), new.sum())
    delist[gone] = rng.integers(6, max(cal.n_months - 1, 7), gone.sum())
    sku_cum = np.empty(n_sku)
    anchor = np.empty(N_LINES, dtype=np.int64)
    for li in range(N_LINES):
        idx = np.flatnonzero(line == li)
        rank = rng.permutation(len(idx))
        popularity[idx] = 1.0 / (rank + 1.0) ** ZIPF
        cum = np.cumsum(popularity[idx])
        sku_cum[idx] = li + cum / cum[-1]
        sku_cum[idx[-1]] = li + 1.0
        always = idx[~new[idx] & ~gone[idx]]
        anchor[li] = always[np.argmax(popularity[always])]

    spec_of = [PRODUCT_LINES[li] for li in line]
    kg_arr = np.array(kg)
    qty_rate = np.array([s[5] for s in spec_of]) * np.where(np.array(pack_no) > 0, 0.6, 1.0)
    kg_mean = np.array([s[3] for s in spec_of])
    products = pa.table(
        {
            "sku": pa.array(skus, pa.string()),
            "name": pa.array(names, pa.string()),
            "product_line": pa.array([s[1] for s in spec_of], pa.string()),
            "category": pa.array(cats, pa.string()),
            "brand": pa.array(brands, pa.string()),
            "unit_cost": pa.array(cost, pa.float64()),
        },
        schema=schema("products"),
    )

    # stores
    store_names, store_regions = [], []
    for region, cities, count in STORE_REGIONS:
        for k in range(count):
            store_names.append(f"№{len(store_names) + 1:03d} {cities[k % len(cities)]}")
            store_regions.append(region)
    n_store = len(store_names)
    size = np.exp(rng.normal(0, 0.5, n_store))
    opening = np.where(
        rng.random(n_store) < STORES_AT_LAUNCH,
        0,
        rng.integers(30, max(cal.n - 120, 31), n_store),
    )
    return _World(
        cal=cal,
        products=products,
        sku_ids=products.column("sku").combine_chunks(),
        sku_line=line,
        sku_cum=sku_cum,
        anchor=anchor,
        price=price,
        promo=promo,
        kg=kg_arr,
        qty_rate=qty_rate,
        kg_mean=kg_mean,
        launch=launch,
        delist=delist,
        store_names=pa.array(store_names, pa.string()),
        store_regions=pa.array(store_regions, pa.string()),
        store_cdf=np.cumsum(size) / size.sum(),
        store_open=opening,
    )


# ========================================================================================
# helpers
# ========================================================================================


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _draw(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with probabilities ``p``."""
    cdf = np.cumsum(p) / np.sum(p)
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1)


def _draw_rows(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One index per row of ``p`` (rows of probabilities)."""
    cdf = np.cumsum(p, axis=1)
    u = rng.random(len(p)) * cdf[:, -1]
    return np.minimum((cdf <= u[:, None]).sum(axis=1), p.shape[1] - 1)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Strings ``prefix`` + zero-padded ``numbers`` (Arrow compute, no Python loop)."""
    digits = pc.utf8_lpad(pa.array(numbers, pa.int64()).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _take(values: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(index, pa.int64()))


def _timestamps(micros: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(micros.astype(np.int64), pa.timestamp("us"), mask=mask)


def _runs(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of sizes ``n``: the group of each element and its rank within the group."""
    group = np.repeat(np.arange(len(n)), n)
    starts = np.cumsum(n) - n
    return group, np.arange(len(group)) - np.repeat(starts, n)


def _last_before(o_cust: np.ndarray, o_day: np.ndarray, cust: np.ndarray, day: int, n_days: int):
    """Per customer in ``cust``: the last order day before ``day`` (-1: none). Orders must be
    sorted by customer, then day."""
    if len(o_day) == 0:
        return np.full(len(cust), -1)
    key = o_cust * (n_days + 1) + o_day
    pos = np.searchsorted(key, cust * (n_days + 1) + day, side="left") - 1
    ok = pos >= 0
    ok[ok] = o_cust[pos[ok]] == cust[ok]
    return np.where(ok, o_day[np.maximum(pos, 0)], -1)


# ========================================================================================
# one chunk of customers
# ========================================================================================


@dataclass
class _Chunk:
    tables: dict[str, tuple[pa.Table, np.ndarray]]  # table -> (rows, chunk customer of each row)
    lines_per_customer: np.ndarray
    n_orders: int
    n_extra_orders: int

    def head(self, n: int) -> _Chunk:
        """The chunk cut to its first ``n`` customers."""
        tables = {}
        for name, (table, cust) in self.tables.items():
            keep = cust < n
            tables[name] = (table.filter(pa.array(keep)), cust[keep])
        return _Chunk(tables, self.lines_per_customer[:n], self.n_orders, self.n_extra_orders)


@dataclass
class _Shopper:
    """What the baskets of a chunk's customers depend on (per chunk customer)."""

    seg: np.ndarray
    spend: np.ndarray
    digital: np.ndarray
    app_user: np.ndarray
    taste: np.ndarray | None = None  # stacked cumulative product-line weights: row c in (c, c + 1]
    fav: np.ndarray | None = None  # customer x product line: its favourite SKU
    loyal: np.ndarray | None = None  # share of its lines taken from its favourites


@dataclass
class _Baskets:
    o_chan: np.ndarray  # per order
    o_lines: np.ndarray
    l_order: np.ndarray  # per line
    l_rank: np.ndarray
    sku: np.ndarray
    qty: np.ndarray
    list_price: np.ndarray
    discount: np.ndarray
    amount: np.ndarray


def _baskets(
    rng: np.random.Generator, w: _World, s: _Shopper, o_cust: np.ndarray, o_day: np.ndarray
) -> _Baskets:
    """The lines of the orders (``o_cust``, ``o_day``): channel, basket size, product lines,
    SKUs, quantities, prices and discounts. The customers' tastes (favourite product lines and
    SKUs) are drawn on the first call and kept in ``s``, so later orders of the same customers
    (the loyalty programme's extra purchases, from their own random stream) are ordinary baskets
    of the same shoppers."""
    cal = w.cal
    n = len(s.seg)
    n_ord = len(o_cust)
    o_digital = rng.random(n_ord) < ONLINE_SHARE * s.digital[o_cust] * cal.digital[o_day]
    o_chan = np.where(o_digital, np.where(s.app_user[o_cust], APP, ONLINE), STORE)
    mu = (
        BASKET_LINES
        * s.spend[o_cust] ** 0.6
        * BASKET_SEASON[cal.moy[o_day]]
        * np.where(o_digital, ONLINE_BASKET, 1.0)
    )
    o_lines = np.minimum(1 + rng.poisson(mu), MAX_LINES)
    l_order, l_rank = _runs(o_lines)
    l_cust = o_cust[l_order]
    l_day = o_day[l_order]
    l_month = cal.month[l_day]
    n_lines = len(l_order)

    # product line: the customer's own lines, weighted by taste and season. Drawn in proportion
    # to taste times the line's top season (one search in the chunk's stacked cumulative
    # weights), then kept with probability season / top season (rejection sampling, ~1.5 rounds)
    top = LINE_SEASON.max(axis=0)
    if s.taste is None:
        buys_line = rng.random((n, N_LINES)) < SEGMENT_LINES[s.seg]
        buys_line[:, LINE_INDEX["DAI"]] |= ~buys_line.any(axis=1)
        taste = buys_line * LINE_WEIGHT * rng.gamma(1.5, 1 / 1.5, (n, N_LINES))
        taste = np.cumsum(taste * top, axis=1)
        taste = taste / taste[:, -1:] + np.arange(n)[:, None]  # row c in (c, c + 1]
        taste[:, -1] = np.arange(1, n + 1)
        s.taste = taste.ravel()
    taste = s.taste
    keep_p = LINE_SEASON / top
    moy = cal.moy[l_day]
    pline = np.empty(n_lines, dtype=np.int64)
    todo = np.arange(n_lines)
    while len(todo):
        c = l_cust[todo]
        pick = np.searchsorted(taste, c + rng.random(len(todo)), side="right") - c * N_LINES
        pick = np.clip(pick, 0, N_LINES - 1)
        ok = rng.random(len(todo)) < keep_p[moy[todo], pick]
        pline[todo[ok]] = pick[ok]
        todo = todo[~ok]
    # SKU: often the customer's favourite of the line, else by popularity; not yet launched or
    # delisted SKUs give way to the line's best seller
    if s.fav is None:
        s.fav = np.searchsorted(
            w.sku_cum, np.arange(N_LINES)[None, :] + rng.random((n, N_LINES)), side="right"
        )
        s.loyal = rng.beta(*FAVOURITE, n)
    sku = s.fav[l_cust, pline]
    other = np.flatnonzero(rng.random(n_lines) >= s.loyal[l_cust])
    sku[other] = np.searchsorted(w.sku_cum, pline[other] + rng.random(len(other)), side="right")
    sku = np.minimum(sku, len(w.sku_line) - 1)
    gone = np.flatnonzero((w.launch[sku] > l_month) | (l_month >= w.delist[sku]))
    sku[gone] = w.anchor[pline[gone]]

    # quantities (pieces, or kg for goods sold by weight), prices, discounts, amounts
    by_weight = w.kg[sku]
    qmult = np.sqrt(s.spend[l_cust])
    qty = np.empty(n_lines)
    kg = np.flatnonzero(by_weight)
    pcs = np.flatnonzero(~by_weight)
    qty[pcs] = 1 + rng.poisson(w.qty_rate[sku[pcs]] * qmult[pcs])
    spread = np.exp(rng.normal(0, 0.45, len(kg)))
    qty[kg] = np.round(np.clip(w.kg_mean[sku[kg]] * qmult[kg] * spread, 0.1, 5.0), 3)
    list_price = w.price[sku, l_month]
    discount = w.promo[sku, l_month]
    app = np.flatnonzero(o_chan[l_order] == APP)
    coupon = app[rng.random(len(app)) < COUPON_RATE]
    discount[coupon] = np.maximum(discount[coupon], COUPON)
    amount = np.round(qty * list_price * (1 - discount), 2)
    return _Baskets(o_chan, o_lines, l_order, l_rank, sku, qty, list_price, discount, amount)


def _chunk(
    seed: int,
    index: int,
    n: int,
    first: int,
    order_base: int,
    extra_base: int,
    w: _World,
    loyalty_effect: float = 1.0,
) -> _Chunk:
    """Customers ``first`` .. ``first + n - 1`` and everything about them."""
    cal = w.cal
    rng = _rng(seed, 1, index, 0)  # customers and orders
    crng = _rng(seed, 1, index, 1)  # communications
    lrng = _rng(seed, 1, index, 2)  # order lines
    srng = _rng(seed, 1, index, 3)  # survey answers
    mrng = _rng(seed, 1, index, 4)  # loyalty programme membership
    xrng = _rng(seed, 1, index, 5)  # the programme's extra purchase days ...
    brng = _rng(seed, 1, index, 6)  # ... and their baskets

    # --- customers ------------------------------------------------------------------------
    seg = _draw(rng, SEGMENT_P, n)
    age = _draw_rows(rng, AGE_P[seg])
    store = np.minimum(np.searchsorted(w.store_cdf, rng.random(n)), len(w.store_cdf) - 1)
    source = _draw(rng, SOURCE_P, n)
    online_source = np.isin(source, ONLINE_SOURCES)
    t0 = np.searchsorted(cal.acq_cdf, rng.random(n))
    opened = w.store_open[store] + rng.exponential(40, n).astype(np.int64)
    t0 = np.minimum(np.maximum(t0, np.where(w.store_open[store] > 0, opened, 0)), cal.n - 1)
    never = rng.random(n) < np.where(online_source, NEVER_BOUGHT[1], NEVER_BOUGHT[0])
    digital = rng.beta(DIGITAL_BETA[seg, 0], DIGITAL_BETA[seg, 1])
    digital = np.where(online_source, np.sqrt(digital), digital)
    app_user = rng.random(n) < 0.2 + 0.8 * digital
    mood = rng.normal(0, 1, n)
    lam = np.minimum(rng.gamma(LAM_SHAPE, LAM_MEAN / LAM_SHAPE, n) * SEGMENT_FREQ[seg], LAM_MAX)
    p = rng.beta(DROPOUT_A, DROPOUT_B, n)
    p = 1 / (1 + (1 - p) / p * np.exp(MOOD_CHURN * mood))
    spend = rng.gamma(SPEND_SHAPE, 1 / SPEND_SHAPE, n) * SEGMENT_SPEND[seg]
    female = rng.random(n) < FEMALE_SHARE
    first_name = np.where(
        female,
        rng.integers(0, len(FEMALE_NAMES), n) + len(MALE_NAMES),
        rng.integers(0, len(MALE_NAMES), n),
    )
    surname = rng.integers(0, len(SURNAMES), n) + np.where(female, len(SURNAMES), 0)
    registered = np.maximum(
        t0 - np.where(online_source, rng.exponential(8, n), 0).astype(np.int64), 0
    )

    # --- orders: first purchase at sign-up, repeat purchases on the calendar clock ----------
    span = cal.cum[-1] - cal.cum[t0]
    m = rng.poisson(lam * span)  # purchases the customer would make if it never dropped out
    d = rng.geometric(p)  # the purchase after which it drops out
    k = np.where(never, 0, np.minimum(d - 1, m))  # repeat purchases
    alive = ~never & (d - 1 > m)
    # the first k of m uniform points on the clock: exponential spacings, then a gamma for the
    # rest (so the work is proportional to the purchases made, not to those never made)
    rep, _ = _runs(k)
    gaps = rng.standard_exponential(len(rep))
    csum = np.cumsum(gaps)
    ends = np.cumsum(k)
    base = np.zeros(n)  # the running sum before each customer's spacings
    later = ends - k > 0
    base[later] = csum[(ends - k)[later] - 1]
    s = csum - np.repeat(base, k)
    s_k = np.zeros(n)  # the sum of each customer's own spacings
    some = k > 0
    s_k[some] = csum[ends[some] - 1] - base[some]
    rest = rng.gamma(m - k + 1.0)
    clock = cal.cum[t0][rep] + s / (s_k + rest)[rep] * span[rep]
    repeat_day = np.minimum(np.searchsorted(cal.cum, clock), cal.n - 1)
    n_orders = np.where(never, 0, k + 1)
    o_cust, o_rank = _runs(n_orders)
    o_day = np.empty(len(o_cust), dtype=np.int64)
    first_order = o_rank == 0
    o_day[first_order] = t0[n_orders > 0]
    o_day[~first_order] = repeat_day
    last_day = np.full(n, -1)
    last_day[n_orders > 0] = o_day[np.cumsum(n_orders)[n_orders > 0] - 1]

    # --- contacts -------------------------------------------------------------------------
    has_phone = crng.random(n) < PHONE_SHARE
    has_email = crng.random(n) < EMAIL_SHARE[0] + EMAIL_SHARE[1] * digital
    has_phone |= ~has_email & (crng.random(n) < 0.5)
    has_contact = has_phone | has_email
    idle = np.where(last_day >= 0, cal.n - 1 - last_day, cal.n - 1 - registered)
    stale = ~alive & (crng.random(n) < np.clip(idle / 1500, 0, 0.6))
    changed = has_contact & (crng.random(n) < CHANGED_CONTACT)
    updated = registered + (crng.random(n) * (cal.n - registered)).astype(np.int64)
    updated = np.minimum(updated, cal.n - 1)

    # --- consents -------------------------------------------------------------------------
    consent_day = np.where(changed, updated, registered)
    email_in = has_email & (crng.random(n) < 0.78)
    email_rec = has_email & (email_in | (crng.random(n) < 0.6))
    sms_rec = has_phone & (crng.random(n) < 0.6)
    sms_in = sms_rec & (crng.random(n) < 0.7)

    # --- campaigns: sends, opt-outs, extra orders of the treated ----------------------------
    opted_out = {"email": np.zeros(n, bool), "sms": np.zeros(n, bool)}
    sends, opt_outs, opens, extra = [], [], [], []
    for prefix, channel, before, rule, control_share, effect in CAMPAIGNS:
        day = cal.n - 1 - before
        if day < 1:
            continue
        send_date = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + cal.first + day)
        consent_in = email_in if channel == "email" else sms_in
        last = _last_before(o_cust, o_day, np.arange(n), day, cal.n)
        gap = day - last
        audience = {
            "bought_365": (last >= 0) & (gap <= 365),
            "bought_180": (last >= 0) & (gap <= 180),
            "lapsed_90_365": (last >= 0) & (gap > 90) & (gap <= 365),
        }[rule]
        aud = np.flatnonzero(
            audience & consent_in & (consent_day < day) & ~opted_out[channel] & ~stale
        )
        a = len(aud)
        control = crng.random(a) < control_share
        target = ~control
        sent = cal.micros(np.full(a, day)) + ((10 + 4 * crng.random(a)) * 3.6e9).astype(np.int64)
        hour = 3_600_000_000
        if channel == "email":
            opened_ = target & (crng.random(a) < 0.08 + 0.45 * digital[aud])
            opened_at = sent + (crng.exponential(8, a) * hour).astype(np.int64)
            clicked_ = opened_ & (crng.random(a) < 0.18)
            clicked_at = opened_at + (crng.exponential(0.1, a) * hour).astype(np.int64)
        else:
            opened_ = np.zeros(a, bool)
            opened_at = sent
            clicked_ = target & (crng.random(a) < 0.03)
            clicked_at = sent + (crng.exponential(1, a) * hour).astype(np.int64)
        unsub = target & (crng.random(a) < 0.004)
        unsub_at = np.where(opened_, opened_at, sent) + (crng.random(a) * hour).astype(np.int64)
        complained = target & ~unsub & (crng.random(a) < 0.0005)
        limit = cal.micros(np.array([cal.n])) - 1  # the last microsecond of as_of
        opened_ &= opened_at <= limit
        clicked_ &= clicked_at <= limit
        unsub &= unsub_at <= limit
        complained &= unsub_at <= limit
        campaign_id = f"{prefix}-{send_date:%Y-%m}"
        sends.append(
            (
                aud,
                pa.table(
                    {
                        "campaign_id": pa.array(np.full(a, campaign_id), pa.string()),
                        "customer_id": _ids("C", first + aud + 1, 8),
                        "sent_at": _timestamps(sent),
                        "channel": pa.array(np.full(a, channel), pa.string()),
                        "group": _take(("target", "control"), control.astype(np.int64)),
                        "opened_at": _timestamps(opened_at, opened_),
                        "clicked_at": _timestamps(clicked_at, clicked_),
                        "unsubscribed_at": _timestamps(unsub_at, unsub),
                        "complained_at": _timestamps(unsub_at, complained),
                    },
                    schema=schema("sends"),
                ),
            )
        )
        out = unsub | complained
        opted_out[channel][aud[out]] = True
        opt_outs.append((aud[out], channel, (unsub_at[out] // 86_400_000_000) - cal.first))
        if channel == "email":
            opens.append((aud[opened_], (opened_at[opened_] // 86_400_000_000) - cal.first))
        # the campaign's effect: some treated customers still shopping buy once more soon after
        if effect > 0:
            still = alive[aud] | (last_day[aud] > day)
            buys = target & still & (crng.random(a) < effect)
            when = np.minimum(day + 1 + crng.integers(0, 14, buys.sum()), cal.n - 1)
            extra.append((aud[buys], when))

    # --- the points programme: who joins when (from the purchase history so far), who leaves --
    joined, left, redeemer, voucher = _membership(
        mrng, cal, n, registered, t0, never, o_cust, o_day
    )

    # all orders: the process's, then the campaigns' extra ones
    if extra:
        o_cust = np.concatenate([o_cust, *[c for c, _ in extra]])
        o_day = np.concatenate([o_day, *[dd for _, dd in extra]])
        for c, dd in extra:
            np.maximum.at(last_day, c, dd)
    n_ord = len(o_cust)

    # --- order lines ------------------------------------------------------------------------
    shopper = _Shopper(seg, spend, digital, app_user)
    b = _baskets(lrng, w, shopper, o_cust, o_day)
    o_chan, o_lines, l_order, l_rank = b.o_chan, b.o_lines, b.l_order, b.l_rank
    sku, qty, list_price, discount, amount = b.sku, b.qty, b.list_price, b.discount, b.amount
    by_weight = w.kg[sku]
    l_cust = o_cust[l_order]
    l_day = o_day[l_order]
    n_lines = len(l_order)

    # returns: a few piece lines come back with the customer's next order (within 30 days)
    r = np.unique(lrng.integers(0, max(n_lines, 1), lrng.binomial(n_lines, RETURN_RATE)))
    nxt = l_order[r] + 1
    r = r[~by_weight[r] & (nxt < n_ord)]
    nxt = np.minimum(l_order[r] + 1, n_ord - 1)
    ok = (o_cust[nxt] == l_cust[r]) & (o_day[nxt] - l_day[r] <= RETURN_DAYS)
    ok &= o_day[nxt] >= l_day[r]
    r = r[ok]
    r_order = nxt[ok]  # non-decreasing: lines are in order sequence
    new_run = np.r_[True, r_order[1:] != r_order[:-1]] if len(r) else np.zeros(0, bool)
    run_start = np.flatnonzero(new_run)
    r_rank = np.arange(len(r)) - np.repeat(run_start, np.diff(np.r_[run_start, len(r)]))
    # the programme's effect: its members' extra purchase days, ordinary baskets of their own
    x_cust, x_day = _extra_days(
        xrng, cal, joined, left, LOYALTY_EXTRA_DAYS_PER_MONTH * loyalty_effect
    )
    x = _baskets(brng, w, shopper, x_cust, x_day)
    n_x = len(x_cust)

    order_ids = pa.concat_arrays(
        [
            _ids("R", order_base + np.arange(n_ord) + 1, 10),
            _ids(LOYALTY_ORDER_PREFIX, extra_base + np.arange(n_x) + 1, 9),
        ]
    )
    a_cust = np.concatenate([o_cust, x_cust])  # every order: the ordinary ones, then the extra
    a_day = np.concatenate([o_day, x_day])
    a_chan = np.concatenate([o_chan, x.o_chan])
    cust_ids = _ids("C", first + np.arange(n) + 1, 8)

    def order_lines(order, line_no, sku_, qty_, price_, disc_, amount_) -> pa.Table:
        return pa.table(
            {
                "order_id": order_ids.take(pa.array(order)),
                "customer_id": cust_ids.take(pa.array(a_cust[order])),
                "order_date": cal.dates(a_day[order]),
                "amount": pa.array(amount_, pa.float64()),
                "sku": w.sku_ids.take(pa.array(sku_)),
                "quantity": pa.array(qty_, pa.float64()),
                "price": pa.array(price_ * (1 - disc_), pa.float64()),  # the unit price paid
                "list_price": pa.array(price_, pa.float64()),
                "discount": pa.array(disc_, pa.float64()),
                "channel": _take(CHANNELS, a_chan[order]),
                "line_no": pa.array(line_no, pa.int64()),
            },
            schema=schema("orders"),
        )

    orders = pa.concat_tables(
        [
            order_lines(l_order, l_rank + 1, sku, qty, list_price, discount, amount),
            order_lines(
                r_order,
                o_lines[r_order] + 1 + r_rank,
                sku[r],
                -qty[r],
                list_price[r],
                discount[r],
                -amount[r],
            ),
            order_lines(
                n_ord + x.l_order, x.l_rank + 1, x.sku, x.qty, x.list_price, x.discount, x.amount
            ),
        ]
    )
    line_cust = np.concatenate([l_cust, o_cust[r_order], x_cust[x.l_order]])
    # net amount per order (returns are booked with the customer's next order)
    a_amount = np.concatenate(
        [
            np.bincount(l_order, amount, n_ord) - np.bincount(r_order, amount[r], n_ord),
            np.bincount(x.l_order, x.amount, n_x),
        ]
    )
    members, rewards, tier = _loyalty_tables(
        cal, cust_ids, order_ids, first, joined, left, redeemer, voucher, a_cust, a_day, a_amount
    )

    # --- tables per customer ------------------------------------------------------------------
    names = pc.binary_join_element_wise(
        _take(ALL_SURNAMES, surname), _take(ALL_FIRST_NAMES, first_name), " "
    )
    customers = pa.table(
        {
            "customer_id": cust_ids,
            "name": names,
            "segment": _take(SEGMENTS, seg),
            "region": w.store_regions.take(pa.array(store)),
            "first_contact_date": cal.dates(registered),
            "source_channel": _take(SOURCE_CHANNELS, source),
            "store": w.store_names.take(pa.array(store)),
            "loyalty_tier": pc.if_else(
                pa.array(tier >= 0), _take(TIERS, np.maximum(tier, 0)), pa.scalar(None, pa.string())
            ),
            "age_band": _take(AGE_BANDS, age),
        },
        schema=schema("customers"),
    )

    contacts = _contacts(
        crng, cal, cust_ids, names, first_name, surname, has_email, has_phone, stale, changed,
        registered, updated,
    )  # fmt: skip
    consents = _consents(
        crng, cal, cust_ids, changed, consent_day, email_rec, email_in, sms_rec, sms_in, opt_outs,
    )  # fmt: skip
    interactions = _interactions(
        crng, cal, cust_ids, n, t0, registered, alive, never, last_day, digital, app_user,
        has_email, opens,
    )  # fmt: skip
    responses = _responses(
        srng, cal, cust_ids, n, o_cust, o_day, o_chan, last_day, alive, mood, digital
    )
    sends_table = (
        pa.concat_tables([t for _, t in sends]) if sends else schema("sends").empty_table()
    )
    sends_cust = np.concatenate([c for c, _ in sends]) if sends else np.zeros(0, np.int64)
    return _Chunk(
        tables={
            "customers": (customers, np.arange(n)),
            "contacts": contacts,
            "orders": (orders, line_cust),
            "interactions": interactions,
            "consents": consents,
            "sends": (sends_table, sends_cust),
            "responses": responses,
            "loyalty_members": members,
            "loyalty_rewards": rewards,
        },
        lines_per_customer=np.bincount(line_cust, minlength=n),
        n_orders=n_ord,
        n_extra_orders=n_x,
    )


def _contacts(
    rng, cal, cust_ids, names, first_name, surname, has_email, has_phone, stale, changed,
    registered, updated,
):  # fmt: skip
    """One contact row per customer with an e-mail or phone (``<customer_id>-1``); customers
    that changed their contact have the old row (not current) and a new one (``-2``)."""
    n = len(has_email)
    latin_first = [s.lower().translate(_TRANSLIT) for s in ALL_FIRST_NAMES]
    latin_sur = [s.lower().translate(_TRANSLIT) for s in ALL_SURNAMES]
    number = rng.integers(1, 2000, n)
    with_number = rng.random(n) < 0.6
    email = pc.binary_join_element_wise(
        _take(latin_first, first_name),
        ".",
        _take(latin_sur, surname),
        pc.if_else(pa.array(with_number), pa.array(number).cast(pa.string()), ""),
        "@",
        _take(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), n)),
        "",
    )
    phone = _ids("+79", rng.integers(0, 1_000_000_000, n), 9)
    has = has_email | has_phone
    rows = np.flatnonzero(has)
    old = np.flatnonzero(has & changed)
    cust = np.concatenate([rows, old])
    second = np.concatenate([changed[rows], np.zeros(len(old), bool)])  # the new row of a change
    is_current = np.concatenate([~stale[rows], np.zeros(len(old), bool)])
    day = np.concatenate(
        [np.where(changed[rows], updated[rows], registered[rows]), registered[old]]
    )
    e_ok = np.concatenate([has_email[rows], has_email[old] & (rng.random(len(old)) < 0.5)])
    p_ok = np.concatenate([has_phone[rows], has_phone[old] | ~has_email[old]])
    # the old row of a change holds another address / number
    old_email = pc.binary_join_element_wise(_take(latin_sur, surname[old]), "@mail.ru", "")
    old_phone = _ids("+79", rng.integers(0, 1_000_000_000, len(old)), 9)
    take = pa.array(rows)
    emails = pa.concat_arrays([email.take(take), old_email])
    phones = pa.concat_arrays([phone.take(take), old_phone])
    ids = cust_ids.take(pa.array(cust))
    table = pa.table(
        {
            "customer_id": ids,
            "contact_id": pc.binary_join_element_wise(
                ids, pc.if_else(pa.array(second), "-2", "-1"), ""
            ),
            "contact_name": names.take(pa.array(cust)),
            "role": pa.array(np.full(len(cust), "держатель карты"), pa.string()),
            "email": pc.if_else(pa.array(e_ok), emails, pa.scalar(None, pa.string())),
            "phone": pc.if_else(pa.array(p_ok), phones, pa.scalar(None, pa.string())),
            "is_current": pa.array(is_current),
            "updated_at": cal.dates(day),
        },
        schema=schema("contacts"),
    )
    return table, cust


def _consents(
    rng, cal, cust_ids, changed, consent_day, email_rec, email_in, sms_rec, sms_in, opt_outs
):  # fmt: skip
    """Opt-ins / opt-outs given at registration (or at the contact change), and the opt-outs of
    the campaigns' unsubscribes and complaints."""
    parts = []
    suffix = np.where(changed, "-2", "-1")
    for channel, rec, opt_in, freqs in (
        ("email", email_rec, email_in, EMAIL_FREQUENCIES),
        ("sms", sms_rec, sms_in, SMS_FREQUENCIES),
    ):
        c = np.flatnonzero(rec)
        k = len(c)
        status = np.where(opt_in[c], "opt_in", "opt_out")
        freq = _draw(rng, np.array([f[1] for f in freqs]), k)
        parts.append(
            (
                c,
                channel,
                status,
                pc.if_else(
                    pa.array(opt_in[c]),
                    _take([f[0] for f in freqs], freq),
                    pa.scalar(None, pa.string()),
                ),
                _take(CONSENT_CONTENT, rng.integers(0, len(CONSENT_CONTENT), k)),
                _take(("registration_form", "app", "website", "store_checkout"),
                      rng.integers(0, 4, k)),
                consent_day[c],
            )
        )  # fmt: skip
    for c, channel, day in opt_outs:
        k = len(c)
        none = pa.nulls(k, pa.string())
        source = "sms_stop" if channel == "sms" else "unsubscribe_link"
        parts.append(
            (c, channel, np.full(k, "opt_out"), none, none,
             pa.array(np.full(k, source), pa.string()), day)
        )  # fmt: skip
    cust = np.concatenate([p[0] for p in parts])
    table = pa.table(
        {
            "customer_id": cust_ids.take(pa.array(cust)),
            "channel": pa.array(np.concatenate([np.full(len(p[0]), p[1]) for p in parts])),
            "status": pa.array(np.concatenate([p[2] for p in parts])),
            "contact_id": pc.binary_join_element_wise(
                cust_ids.take(pa.array(cust)), pa.array(suffix[cust]), ""
            ),
            "promised_frequency": pa.concat_arrays([p[3] for p in parts]),
            "promised_content": pa.concat_arrays([p[4] for p in parts]),
            "source": pa.concat_arrays([p[5] for p in parts]),
            "date": cal.dates(np.concatenate([p[6] for p in parts])),
        },
        schema=schema("consents"),
    )  # fmt: skip
    return table, cust


def _interactions(
    rng, cal, cust_ids, n, t0, registered, alive, never, last_day, digital, app_user, has_email,
    opens,
):  # fmt: skip
    """App logins, e-mail opens and a few service contacts of the digitally engaged customers,
    over the last years, until a while after they stop buying; and the campaigns' e-mail opens."""
    engaged = app_user | has_email
    rate = INTERACTION_RATE * (0.25 + digital) * engaged
    lo = np.maximum(registered, cal.n - 1 - INTERACTION_YEARS * 365)
    tail = rng.exponential(ENGAGEMENT_TAIL, n).astype(np.int64)
    end = np.where(alive, cal.n - 1, np.minimum(np.where(never, t0, last_day) + tail, cal.n - 1))
    span = np.maximum(end - lo + 1, 0)
    count = np.minimum(rng.poisson(rate * span / 365), 24)
    cust, _ = _runs(count)
    day = lo[cust] + (rng.random(len(cust)) * span[cust]).astype(np.int64)
    u = rng.random(len(cust))
    kind = np.where(
        u < 0.08,
        2 + (u * 100).astype(np.int64) % 3,  # call centre, chat, service desk
        np.where(app_user[cust] & (~has_email[cust] | (u < 0.7)), 0, 1),
    )
    for c, d in opens:
        cust = np.concatenate([cust, c])
        day = np.concatenate([day, d])
        kind = np.concatenate([kind, np.ones(len(c), np.int64)])
    key = np.unique((cust * (cal.n + 1) + day) * len(INTERACTION_TYPES) + kind)
    kind = key % len(INTERACTION_TYPES)
    day = (key // len(INTERACTION_TYPES)) % (cal.n + 1)
    cust = key // len(INTERACTION_TYPES) // (cal.n + 1)
    table = pa.table(
        {
            "customer_id": cust_ids.take(pa.array(cust)),
            "date": cal.dates(day),
            "channel": _take([t[0] for t in INTERACTION_TYPES], kind),
            "kind": _take([t[1] for t in INTERACTION_TYPES], kind),
            "direction": _take([t[2] for t in INTERACTION_TYPES], kind),
        },
        schema=schema("interactions"),
    )
    return table, cust


def _responses(rng, cal, cust_ids, n, o_cust, o_day, o_chan, last_day, alive, mood, digital):
    """NPS after the last purchase from some recent buyers: happier customers (who drop out
    less) score higher, customers about to leave lower."""
    recent = last_day >= cal.n - 1 - 730
    answer = np.flatnonzero(recent & (rng.random(n) < NPS_RATE * (0.6 + digital)))
    k = len(answer)
    # the channel of the customer's last order
    last_order = np.full(n, -1)
    order_index = np.arange(len(o_cust))
    is_last = o_day == last_day[o_cust]
    last_order[o_cust[is_last]] = order_index[is_last]
    chan = o_chan[last_order[answer]]
    day = np.minimum(last_day[answer] + rng.integers(1, 5, k), cal.n - 1)
    idle = cal.n - 1 - last_day[answer]
    bonus = rng.random(k) < NPS_BONUS
    raw = (
        7.2
        + 1.5 * mood[answer]
        + 0.8 * alive[answer]
        - 0.6 * (idle > 180)
        + 0.4 * bonus
        + rng.normal(0, 1.1, k)
    )
    score = np.clip(np.round(raw), 0, 10)
    mood_of = np.where(score <= 6, 0, np.where(score <= 8, 1, 2))  # neg / mid / pos
    with_comment = rng.random(k) < np.where(mood_of == 0, COMMENT_RATE[1], COMMENT_RATE[0])
    english = rng.random(k) < ENGLISH_RATE
    pool, offset, size = [], {}, {}
    for lang in ("ru", "en"):
        for mi, m in enumerate(("neg", "mid", "pos")):
            offset[lang, mi], size[lang, mi] = len(pool), len(COMMENTS[lang, m])
            pool.extend(COMMENTS[lang, m])
    start = np.zeros(k, dtype=np.int64)
    width = np.ones(k, dtype=np.int64)
    for (lang, mi), off in offset.items():
        sel = (mood_of == mi) & (english == (lang == "en"))
        start[sel], width[sel] = off, size[lang, mi]
    pick = start + (rng.random(k) * width).astype(np.int64)
    comment = pc.if_else(pa.array(with_comment), _take(pool, pick), pa.scalar(None, pa.string()))
    table = pa.table(
        {
            "customer_id": cust_ids.take(pa.array(answer)),
            "date": cal.dates(day),
            "metric": pa.array(np.full(k, "nps"), pa.string()),
            "score": pa.array(score, pa.float64()),
            "survey": _take(("nps-receipt", "nps-delivery", "nps-app"), chan),
            "touchpoint": _take(("store", "delivery", "app"), chan),
            "comment": comment,
            "incentivized": pa.array(bonus),
        },
        schema=schema("responses"),
    )
    return table, answer


# ========================================================================================
# the points programme
# ========================================================================================


def _shift_months(days: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Days (since 1970-01-01) ``k`` calendar months later (earlier when negative): the same day
    of the month, or the month's last day when it is shorter (31 January + 1 month = 28 or 29
    February)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(k, dtype=np.int64)
    start = target.astype("datetime64[D]")
    length = ((target + 1).astype("datetime64[D]") - start).astype(np.int64)
    return start.astype(np.int64) + np.minimum(dom, length - 1)


def _add_months(cal: _Calendar, day: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """The day offsets ``k`` calendar months after the day offsets ``day``."""
    return _shift_months(cal.first + np.asarray(day, dtype=np.int64), k) - cal.first


def _membership(rng, cal, n, registered, t0, never, o_cust, o_day):
    """Who joins the points programme and when, and who leaves it again.

    From the launch (or its registration, if later) each customer is invited at random times
    (:data:`LOYALTY_OFFERS_PER_YEAR`: a prompt at the checkout, in the app, a leaflet); it joins at
    an invitation with a probability that grows with its purchase days in the 365 days before
    (:data:`LOYALTY_JOIN_P` x (1 - exp(-days / :data:`LOYALTY_JOIN_DAYS`))) and is lower when it
    has not bought for :data:`LOYALTY_RECENT_DAYS` days: only the history before the day counts,
    so matching on it can remove the selection. Some new customers take the card with their first
    purchase (members without history). Returns, per chunk customer, the join day (``cal.n``:
    never), the leave day (-1: stays), whether it redeems points and its voucher size."""
    launch = cal.n - 1 - (cal.as_of - _years_before(cal.as_of, LOYALTY_YEARS)).days
    start = np.maximum(registered, launch)
    span = np.maximum(cal.n - start, 0)
    count = rng.poisson(LOYALTY_OFFERS_PER_YEAR * span / 365.25)
    cust, _ = _runs(count)
    day = start[cust] + (rng.random(len(cust)) * span[cust]).astype(np.int64)
    # the purchase days (of the process) before each offer; sorted searches are faster, and the
    # order of the offers does not matter (the first one accepted counts)
    width = cal.n + 1
    key = np.sort(o_cust * width + o_day)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    at = np.sort(cust * width + day)
    cust, day = at // width, at % width
    before = np.searchsorted(key, at)
    days = before - np.searchsorted(key, cust * width + np.maximum(day - 365, 0))
    last = np.where(days > 0, key[np.maximum(before - 1, 0)] - cust * width, -1)
    recent = np.where(day - last <= LOYALTY_RECENT_DAYS, 1.0, LOYALTY_LAPSED)
    p = LOYALTY_JOIN_P * (1 - np.exp(-days / LOYALTY_JOIN_DAYS)) * recent
    take = rng.random(len(cust)) < p
    joined = np.full(n, cal.n, dtype=np.int64)
    np.minimum.at(joined, cust[take], day[take])
    signup = ~never & (t0 >= launch) & (rng.random(n) < LOYALTY_AT_SIGNUP)
    joined = np.where(signup, np.minimum(joined, t0), joined)
    member = joined < cal.n
    left = joined + 1 + rng.exponential(LOYALTY_LEAVE_DAYS, n).astype(np.int64)
    left = np.where(member & (rng.random(n) < LOYALTY_LEAVE) & (left < cal.n), left, -1)
    redeemer = rng.random(n) < LOYALTY_REDEEMERS
    voucher = np.array(LOYALTY_VOUCHERS)[rng.integers(0, len(LOYALTY_VOUCHERS), n)]
    return joined, left, redeemer, voucher


def _extra_days(rng, cal, joined, left, rate):
    """The programme's effect: each member makes Poisson(``rate``) extra purchase days in every
    calendar month of its membership (month k: from ``joined`` + k months, inclusive, to
    ``joined`` + k + 1 months), on uniformly drawn days, until it leaves or ``as_of``. Returns
    (chunk customer, day) sorted by customer and day."""
    member = np.flatnonzero(joined < cal.n)
    end = np.where(left[member] >= 0, left[member], cal.n)  # the first day without membership
    months = cal.month[cal.n - 1] - cal.month[joined[member]] + 1
    slot_member, k = _runs(months)
    lo = _add_months(cal, joined[member][slot_member], k)
    hi = _add_months(cal, joined[member][slot_member], k + 1)
    count = rng.poisson(rate, len(k))
    slot, _ = _runs(count)
    day = lo[slot] + (rng.random(len(slot)) * (hi - lo)[slot]).astype(np.int64)
    cust = member[slot_member[slot]]
    keep = day < end[slot_member[slot]]
    cust, day = cust[keep], day[keep]
    order = np.argsort(cust * (cal.n + 1) + day, kind="stable")
    return cust[order], day[order]


def _loyalty_tables(cal, cust_ids, order_ids, first, joined, left, redeemer, voucher, o_cust,
                    o_day, o_amount):  # fmt: skip
    """``loyalty_members`` and ``loyalty_rewards`` of a chunk, and each customer's tier now (-1:
    not a member).

    Every order of a member from its join day until it leaves (net amount above zero) earns
    ``floor(amount x rate)`` points, the rate of its tier (:data:`LOYALTY_REWARD_RATE`) at the
    time: the member's spend in the programme over the 365 days before the order's day, cut at
    :data:`TIER_BOUNDS`. A point is worth :data:`LOYALTY_POINT_VALUE` roubles. Redeeming members
    (:data:`LOYALTY_REDEEMERS`) spend a voucher of their size (:data:`LOYALTY_VOUCHERS`) on the
    next order after their balance passes it; the rest of the points is breakage. The tier now is
    that of the spend in the last 365 days up to ``as_of``."""
    n = len(joined)
    width = cal.n + 1
    is_m = (joined[o_cust] <= o_day) & ((left[o_cust] < 0) | (o_day < left[o_cust]))
    is_m &= o_amount > 0
    idx = np.flatnonzero(is_m)
    key = o_cust[idx] * width + o_day[idx]
    order = np.argsort(key, kind="stable")
    idx, key = idx[order], key[order]
    cust, day, amount = o_cust[idx], o_day[idx], o_amount[idx]
    cum = np.r_[0.0, np.cumsum(amount)]
    spend = (
        cum[np.searchsorted(key, key)]
        - cum[np.searchsorted(key, cust * width + np.maximum(day - 365, 0))]
    )
    tier_then = np.searchsorted(TIER_BOUNDS, spend, side="right")
    points = np.floor(amount * np.array(LOYALTY_REWARD_RATE)[tier_then])
    recent = day > cal.n - 1 - 365
    spend_now = np.bincount(cust[recent], amount[recent], minlength=n)
    earn = points >= 1
    idx, cust, day, points = idx[earn], cust[earn], day[earn], points[earn]
    # vouchers: the member's running balance passes a multiple of its voucher size at order j;
    # the vouchers are spent on its next order
    total = np.cumsum(points)
    new = np.r_[True, cust[1:] != cust[:-1]] if len(cust) else np.zeros(0, bool)
    base = np.maximum.accumulate(np.where(new, total - points, 0.0)) if len(cust) else total
    passed = np.floor((total - base) / voucher[cust])
    crossed = np.diff(np.r_[0.0, passed])
    crossed[new] = passed[new]
    spent = np.flatnonzero(
        (crossed[:-1] > 0) & (cust[1:] == cust[:-1]) & redeemer[cust[:-1]]
    )  # the row before the redemption
    r_rows = spent + 1
    r_points = crossed[spent] * voucher[cust[spent]]

    member = joined < cal.n
    tier = np.where(member, np.searchsorted(TIER_BOUNDS, spend_now, side="right"), -1)

    m = np.flatnonzero(member)
    members = pa.table(
        {
            "customer_id": cust_ids.take(pa.array(m)),
            "joined_at": cal.dates(joined[m]),
            "card_id": _ids(LOYALTY_CARD_PREFIX, first + m + 1, 9),
            "tier": _take(TIERS, tier[m]),
            "left_at": pa.array(
                (cal.first + left[m]).astype(np.int32), pa.date32(), mask=left[m] < 0
            ),
        },
        schema=schema("loyalty_members"),
    )
    r_cust = np.concatenate([cust, cust[r_rows]])
    all_points = np.concatenate([points, r_points])
    rewards = pa.table(
        {
            "customer_id": cust_ids.take(pa.array(r_cust)),
            "date": cal.dates(np.concatenate([day, day[r_rows]])),
            "kind": pa.array(
                np.r_[np.full(len(cust), "accrual"), np.full(len(r_rows), "redemption")],
                pa.string(),
            ),
            "points": pa.array(all_points, pa.float64()),
            "value": pa.array(all_points * LOYALTY_POINT_VALUE, pa.float64()),
            "order_id": order_ids.take(pa.array(np.concatenate([idx, idx[r_rows]]))),
        },
        schema=schema("loyalty_rewards"),
    )
    return (members, m), (rewards, r_cust), tier


def true_effect(
    out_dir: Path, *, as_of: dt.date = DEFAULT_AS_OF, window_months: int = 6
) -> dict[str, float]:
    """The points programme's in-sample true effect in a data set :func:`write` wrote to
    ``out_dir``, in the terms of ``cxray loyalty``'s estimate.

    Evaluated members: joined on or before ``as_of`` - ``window_months`` months, not left before
    the end of their post window (join day J inclusive to J + ``window_months`` months exclusive)
    and with a purchase day (a day whose lines net above zero) in the 12 months before J. As the
    extra purchases (order ids ``RL...``) come from random streams of their own, dropping them
    gives exactly the data set written with ``loyalty_effect=0``, so the effect is:

    - ``revenue_per_month``: the evaluated members' extra revenue in their post windows, per
      member and month (= post-window revenue with the effect minus without it);
    - ``retention``: the share of them that purchased in the post window, minus the same
      without the extra purchases (``retained`` and ``retained_without``, counts);
    - ``extra_orders_per_month``: their extra orders per member and month (expected:
      :data:`LOYALTY_EXTRA_DAYS_PER_MONTH` x the effect multiplier).

    Also returned: ``members``, ``evaluated``, ``members_without_history`` (joined early enough
    and not left, but no purchase day in the 12 months before joining).
    """
    out_dir = Path(out_dir)
    members = pq.read_table(out_dir / parquet_name("loyalty_members"))
    ids = members.column("customer_id").combine_chunks()
    joined = members.column("joined_at").cast(pa.int32()).to_numpy(zero_copy_only=False)
    joined = joined.astype(np.int64)
    left = members.column("left_at").cast(pa.int32()).fill_null(np.iinfo(np.int32).max)
    left = left.to_numpy().astype(np.int64)
    end = _shift_months(joined, window_months)
    pre = _shift_months(joined, -12)
    cutoff = int(_shift_months(np.array([(as_of - dt.date(1970, 1, 1)).days]), -window_months)[0])

    orders = pq.read_table(
        out_dir / parquet_name("orders"),
        columns=["order_id", "customer_id", "order_date", "amount"],
    )
    m = pc.index_in(orders.column("customer_id"), value_set=ids)
    of_member = pc.is_valid(m)
    orders, m = orders.filter(of_member), m.filter(of_member)
    m = m.to_numpy(zero_copy_only=False).astype(np.int64)
    day = orders.column("order_date").cast(pa.int32()).to_numpy().astype(np.int64)
    amount = orders.column("amount").to_numpy()
    extra = pc.starts_with(orders.column("order_id"), LOYALTY_ORDER_PREFIX).to_numpy(
        zero_copy_only=False
    )
    post = (day >= joined[m]) & (day < end[m])

    # purchase days: the member's lines of a day net above zero (with and without the extras)
    key, inverse = np.unique(m * 1_000_000 + day, return_inverse=True)
    k_member, k_day = key // 1_000_000, key % 1_000_000
    net_all = np.bincount(inverse, amount, len(key))
    net_base = np.bincount(inverse, np.where(extra, 0.0, amount), len(key))
    k_pre = (k_day >= pre[k_member]) & (k_day < joined[k_member])
    k_post = (k_day >= joined[k_member]) & (k_day < end[k_member])
    n = len(ids)
    history = np.bincount(k_member[k_pre & (net_base > 0)], minlength=n) > 0
    retained = np.bincount(k_member[k_post & (net_all > 0)], minlength=n) > 0
    retained_without = np.bincount(k_member[k_post & (net_base > 0)], minlength=n) > 0

    complete = (joined <= cutoff) & (left >= end)
    evaluated = complete & history
    e = int(evaluated.sum())
    in_window = extra & post & evaluated[m]
    extra_revenue = float(amount[in_window].sum())
    extra_orders = len(pc.unique(orders.column("order_id").filter(pa.array(in_window))))
    per = max(e, 1) * window_months
    return {
        "members": n,
        "evaluated": e,
        "members_without_history": int((complete & ~history).sum()),
        "revenue_per_month": extra_revenue / per,
        "extra_orders_per_month": extra_orders / per,
        "retained": int(retained[evaluated].sum()),
        "retained_without": int(retained_without[evaluated].sum()),
        "retention": float(
            (retained[evaluated].sum() - retained_without[evaluated].sum()) / max(e, 1)
        ),
    }


# ========================================================================================
# entry point
# ========================================================================================


def parquet_name(table: str) -> str:
    """The file :func:`write` writes ``table`` to, in its ``out_dir``."""
    return f"{table}.parquet"


def write(
    out_dir: Path,
    *,
    seed: int = 42,
    as_of: dt.date = DEFAULT_AS_OF,
    lines: int | None = None,
    customers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    loyalty_effect: float = 1.0,
) -> dict[str, Path]:
    """Generate the ``retail`` data set and write it to ``out_dir`` as ``<table>.parquet``.

    One Parquet file per canonical table (customers, contacts, products, orders, interactions,
    consents, sends, responses, loyalty_members, loyalty_rewards; leads and channel_costs are
    empty) with exactly the canonical columns in schema order and their types (strings,
    ``date32`` dates, ``timestamp[us]`` send times, ``float64`` numbers, ``int64`` ``line_no``,
    booleans); ``customers`` adds ``store``, ``loyalty_tier`` and ``age_band``. Natural keys are
    unique and no date is after ``as_of``. Returns table name -> path.

    Size: give at most one of ``lines`` (order lines, met to within a customer's lines: the
    customers are generated until their lines reach the number) and ``customers`` (card holders);
    by default :data:`DEFAULT_LINES` lines (~27.5 lines per customer, the programme's extra
    purchases included: 10 million lines are ~363,000 customers). Customers are generated and
    appended to the files a chunk of :data:`CHUNK_CUSTOMERS` at a time, so memory does not grow
    with the size. The same ``seed``, ``as_of`` and size give identical files, and a smaller data
    set is the beginning of a larger one: its customers are the first ones of the larger set,
    with the same orders.

    ``progress(done, total)`` is called after each chunk with the bytes written so far and the
    expected total (an estimate until the last call, where ``done == total``): the units of the
    importer's progress, so one progress bar can show both.

    ``loyalty_effect`` multiplies the points programme's true effect
    (:data:`LOYALTY_EXTRA_DAYS_PER_MONTH`); 0 switches it off. The extra purchases have random
    streams of their own, so with the same seed every other draw is the same: with ``customers``
    the files are identical but for the extra orders' lines (ids ``RL...``), the rewards and the
    tiers that spend moves; with ``lines`` the extra lines count toward the size, so the customers
    of the smaller of the two data sets are the first ones of the other (see the module
    docstring and :func:`true_effect`).

    Raises ValueError when both ``lines`` and ``customers`` are given or one is below 1, or when
    ``loyalty_effect`` is negative.
    """
    if lines is not None and customers is not None:
        raise ValueError("give lines or customers, not both")
    if lines is None and customers is None:
        lines = DEFAULT_LINES
    for name, value in (("lines", lines), ("customers", customers)):
        if value is not None and (isinstance(value, bool) or int(value) < 1):
            raise ValueError(f"{name} must be at least 1, got {value!r}")
    if not loyalty_effect >= 0 or not np.isfinite(loyalty_effect):
        raise ValueError(f"loyalty_effect must be 0 or more, got {loyalty_effect!r}")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = _world(_rng(seed, 0), _Calendar(as_of))

    paths = {name: out_dir / parquet_name(name) for name in TABLES}
    writers: dict[str, pq.ParquetWriter] = {}

    def write_part(part: _Chunk, share: float) -> None:
        for name, (table, _) in part.tables.items():
            writers[name].write_table(table)
        if progress is not None and share < 1.0:
            written = sum(p.stat().st_size for p in paths.values())
            progress(written, max(written, int(written / max(share, 1e-9))))

    # one thread writes a chunk while the next one is generated (Arrow and most NumPy loops
    # release the GIL); at most two chunks are held at a time
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future | None = None
        try:
            for name, path in paths.items():
                writers[name] = pq.ParquetWriter(path, schema(name), compression=COMPRESSION)
            writers["products"].write_table(world.products)
            done_customers = done_lines = order_base = extra_base = index = 0
            finished = False
            while not finished:
                # always a whole chunk, cut at the end: a smaller data set is the beginning of a
                # larger one with the same seed
                n = CHUNK_CUSTOMERS
                part = _chunk(
                    seed, index, n, done_customers, order_base, extra_base, world, loyalty_effect
                )
                if customers is not None:
                    if done_customers + n >= customers:
                        n = customers - done_customers
                        part, finished = part.head(n), True
                else:
                    cum = np.cumsum(part.lines_per_customer)
                    wanted = lines - done_lines
                    if cum[-1] >= wanted:
                        # cut after the customer whose lines reach the number, or before it
                        # when that is closer
                        n = int(np.searchsorted(cum, wanted)) + 1
                        if n > 1 and wanted - cum[n - 2] < cum[n - 1] - wanted:
                            n -= 1
                        part, finished = part.head(n), True
                done_customers += n
                done_lines += int(part.lines_per_customer.sum())
                order_base += part.n_orders
                extra_base += part.n_extra_orders
                index += 1
                share = done_customers / customers if customers else done_lines / lines
                if pending is not None:
                    pending.result()
                pending = pool.submit(write_part, part, 1.0 if finished else share)
                del part
            pending.result()
        finally:
            if pending is not None:
                pending.exception()  # wait for the writer before closing the files
            for writer in writers.values():
                writer.close()
    if progress is not None:
        total = sum(p.stat().st_size for p in paths.values())
        progress(total, total)
    return paths
