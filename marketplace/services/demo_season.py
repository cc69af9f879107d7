"""The demo's two past seasons, each run whole by the simulation, so the demo has settled years behind the
season being planned (statements, invoices paid, payouts, a rebate, the year-end surplus, and the market board's
history) with real-looking names.

They run in earlier seasons than the hand-made demo season (the one being planned), so they never meet in a
matching run.
"""
from datetime import date

from marketplace.domain.market import planning_season

from marketplace.services.simulation import Names, Season, SeasonReport

#: (seasons back, members, seed): enough for full books and a board with a story, quick enough for `make run`.
PAST = ((2, 40, 2024), (1, 60, 2025))

SURNAMES = {
    "ug": ["ئىمىن", "قادىر", "تۇرسۇن", "ياسىن", "روزى", "ھېسام", "مەمەت", "ئوسمان", "سابىر", "نىياز"],
    "kk_Arab": ["سەرىك", "قايرات", "تولەگەن", "جۇماباي", "ەرلان", "نۇرلان", "مۇرات", "بولات"],
    "kk_Cyrl": ["Жұмабай", "Серік", "Қайрат", "Төлеген", "Ерлан", "Мұрат", "Болат", "Нұрлан"],
    "zh_Hans": ["王", "李", "张", "刘", "马", "关", "佟", "赵", "杨", "何"],
}
GIVEN = {
    "ug": ["ئابدۇرېھىم", "گۈلنار", "مەمەتجان", "پاتىگۈل", "ئەخمەتجان", "ئايگۈل", "ئادىل", "مېھرىبان", "ئەركىن"],
    "kk_Arab": ["ايگەرىم", "باۋىرجان", "داناگۇل", "ەربول", "گۇلميرا", "اسحات", "جانار", "قانات"],
    "kk_Cyrl": ["Асхат", "Гүлмира", "Ербол", "Жанар", "Қанат", "Айгерім", "Бауыржан", "Дана"],
    "zh_Hans": ["春兰", "永福", "玉珍", "建国", "秀英", "海燕", "志强", "桂芳", "德明", "丽娟"],
}
COOPERATIVES = ["伊宁县喀拉亚尕奇红花种植专业合作社", "霍城县芦草沟红花专业合作社", "尼勒克县乌赞红花专业合作社"]
PROCESSORS = ["伊犁河谷红花籽油有限公司", "新源县天山花草药业有限公司", "巩留县红霞食品有限公司",
              "特克斯县八卦红花制品有限公司"]
MANAGERS = [("赵文华", "古丽巴哈尔"), ("马永强", "叶尔兰"), ("何淑芬", "阿依努尔")]
BUYERS = ["周立新", "孙晓燕", "热依汗", "努尔兰"]


class DemoNames(Names):
    village = "团结村"
    collection_point = "合作社收购点"

    def __init__(self, tag: str, offset: int = 0):
        super().__init__(tag)
        self.offset = offset

    def cooperative(self, i: int) -> tuple[str, str]:
        i += self.offset
        return COOPERATIVES[i % len(COOPERATIVES)], f"9365402{i % 10}MA7LS{i:05d}"

    def processor(self, i: int) -> str:
        return PROCESSORS[(i + 2 * self.offset) % len(PROCESSORS)]

    def manager(self, i: int, second: bool) -> str:
        return MANAGERS[(i + self.offset) % len(MANAGERS)][int(second)]

    def buyer(self, i: int) -> str:
        return BUYERS[(i + 2 * self.offset) % len(BUYERS)]

    def farmer(self, i: int, locale: str) -> str:
        given, surname = GIVEN[locale], SURNAMES[locale]
        first, last = given[(i // 4) % len(given)], surname[(i // 4 // len(given) + i) % len(surname)]
        return f"{last}{first}" if locale == "zh_Hans" else f"{first} {last}"


def load_past_seasons(today: date) -> list[SeasonReport]:
    """The two seasons before the one being planned, each whole, through the same services a person uses;
    committed phase by phase. Each is played as of the first of November of its year (or today, if sooner)."""
    planning = planning_season(today)
    reports = []
    for n, (back, farmers, seed) in enumerate(PAST):
        played_on = min(date(planning - back, 11, 1), today)
        reports.append(Season(farmers, seed, played_on,
                              names=lambda tag, n=n: DemoNames(tag, offset=n)).run())
    return reports
