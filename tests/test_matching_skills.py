"""Skill names: normalisation, the alias table and the look-alike traps."""

import csv
import io
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, utils

from matching import DEFAULT_THRESHOLD, alias_table, canonical, normalise, similarity
from matching.skills import AliasTable


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Ｐｙｔｈｏｎ", "python"),  # full-width letters from a Chinese keyboard
        ("  PYTHON  ", "python"),
        ("machine-learning", "machine learning"),
        ("Machine Learning (ML)", "machine learning"),
        ("Machine   Learning（ML）", "machine learning"),  # full-width parentheses
        ("C++", "c++"),
        ("C#", "c#"),
        ("Ｃ＃", "c#"),
        ("Node.JS", "node.js"),
        (".NET", ".net"),
        ("Python.", "python"),
        ("机器 学习", "机器学习"),
        ("data_science / ML", "data science ml"),
        ("(ML)", "ml"),
    ],
)
def test_normalise(written, expected):
    assert normalise(written) == expected


@pytest.mark.parametrize(
    "forms",
    [
        [
            "ML",
            "machine-learning",
            "Machine Learning (ML)",
            "机器学习",
            "機器學習",
            "Machine Learning",
            "ｍａｃｈｉｎｅ　ｌｅａｒｎｉｎｇ",
        ],
        ["k8s", "Kubernetes", "K8S", "kubernetes (k8s)"],
        ["Postgres", "PostgreSQL", "postgresql", "Postgre SQL", "psql"],
        ["Python", "Ｐｙｔｈｏｎ", "python3", "py"],
        ["JavaScript", "JS", "javascript", "ECMAScript"],
        ["Vue.js", "vue js", "VueJS", "vue"],
        ["Go", "Golang", "go lang", "Go语言", "Go語言"],
        ["数据分析", "數據分析", "Data Analysis", "data analytics"],
        ["区块链", "區塊鏈", "Blockchain", "block chain"],
        ["反洗钱", "反洗錢", "AML", "anti-money laundering", "Anti Money Laundering"],
        ["KYC", "Know Your Customer", "了解你的客户", "認識你的客戶"],
        ["Putonghua", "Mandarin", "普通話", "普通话", "Mandarin Chinese"],
        ["Cantonese", "粵語", "粤语", "廣東話", "广东话"],
        ["English", "英語", "英语", "英文"],
        ["C++", "cpp", "C plus plus", "C++语言"],
        ["C#", "csharp", "C Sharp", "c-sharp"],
    ],
)
def test_spellings_share_one_key(forms):
    keys = {canonical(f) for f in forms}
    assert len(keys) == 1, keys
    for a in forms:
        assert similarity(a, forms[0]) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Java", "JavaScript"),
        ("java", "js"),
        ("C", "C++"),
        ("C", "C#"),
        ("C++", "C#"),
        ("R", "Rust"),
        ("R", "React"),
        ("R", "Ruby"),
        ("R", "Excel VBA"),
        ("Go", "Google Cloud"),
        ("Go", "Django"),
        ("Go", "MongoDB"),
        ("js", "vue js"),
        ("React", "React Native"),
        ("SQL", "NoSQL"),
        ("Python", "Pytorch"),
    ],
)
def test_look_alikes_do_not_match(a, b):
    assert similarity(a, b) == 0.0
    assert similarity(b, a) == 0.0


def test_rapidfuzz_defaults_would_fall_into_the_traps():
    """Why the matcher uses neither token_set_ratio nor rapidfuzz's default_process."""
    assert fuzz.token_set_ratio("js", "vue js") == 100
    assert fuzz.WRatio("C++", "C#", processor=utils.default_process) == 100  # '+#' stripped
    assert similarity("js", "vue js") < 1.0
    assert similarity("C++", "C#") == 0.0


def test_unknown_subset_is_not_perfect():
    assert similarity("quantum js", "js") < 1.0
    assert similarity("actuarial modelling", "actuarial modelling tools") < 1.0


@pytest.mark.parametrize(
    ("typo", "right"),
    [
        ("Pyhton", "Python"),
        ("Javascirpt", "JavaScript"),
        ("Kubernets", "Kubernetes"),
        ("Postgress", "PostgreSQL"),
        ("Mashine Learning", "machine learning"),
        ("Tensorflw", "TensorFlow"),
    ],
)
def test_typos_still_match(typo, right):
    assert DEFAULT_THRESHOLD <= similarity(typo, right) < 1.0


def test_typo_of_javascript_is_not_java():
    assert similarity("Javascirpt", "Java") == 0.0


def test_short_names_match_only_exactly():
    assert similarity("qx", "qxz") == 0.0
    assert similarity("abc", "abcd") == 0.0
    assert similarity("QX", "ｑｘ") == 1.0


def test_threshold_is_keyword_only_and_tunable():
    loose = similarity("Pyhton", "Python", threshold=0.5)
    strict = similarity("Pyhton", "Python", threshold=0.9)
    assert loose > 0.8 and strict == 0.0


def test_alias_table_is_package_data_and_big_enough():
    text = resources.files("matching").joinpath("aliases.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    table = alias_table()
    assert len(table) == len(rows) >= 150
    categories = {s.category for s in table.skills.values()}
    assert {
        "programming",
        "data",
        "ml",
        "cloud",
        "security",
        "finance",
        "regtech",
        "product",
        "design",
        "spoken",
    } <= categories
    for info in table.skills.values():
        assert info.zh_hans and info.zh_hant, info.key
        assert canonical(info.display) == info.key


@pytest.mark.parametrize(
    ("key", "hans", "hant"),
    [
        ("machine learning", "机器学习", "機器學習"),
        ("data analysis", "数据分析", "數據分析"),
        ("blockchain", "区块链", "區塊鏈"),
        ("aml", "反洗钱", "反洗錢"),
        ("putonghua", "普通话", "普通話"),
        ("cantonese", "粤语", "粵語"),
        ("cloud computing", "云计算", "雲計算"),
        ("risk management", "风险管理", "風險管理"),
    ],
)
def test_chinese_names_in_both_scripts(key, hans, hant):
    info = alias_table().skills[key]
    assert hans in info.zh_hans and hant in info.zh_hant
    assert canonical(hans) == canonical(hant) == key


def test_a_spelling_of_two_skills_is_rejected():
    rows = [
        {
            "key": "java",
            "display": "Java",
            "category": "x",
            "aliases": "j",
            "zh_hans": "",
            "zh_hant": "",
        },
        {
            "key": "javascript",
            "display": "JavaScript",
            "category": "x",
            "aliases": "J",
            "zh_hans": "",
            "zh_hant": "",
        },
    ]
    with pytest.raises(ValueError, match="spelling"):
        AliasTable(rows)


_names = st.one_of(
    st.sampled_from(
        [
            "Python",
            "Pyhton",
            "ML",
            "機器學習",
            "Java",
            "JavaScript",
            "C",
            "C++",
            "R",
            "Go",
            "k8s",
            "vue js",
            "js",
            "actuarial modelling",
            "SQL",
        ]
    ),
    st.text(alphabet="abcdejkpsvy+#. -", min_size=1, max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(_names, _names)
def test_similarity_is_symmetric_and_bounded(a, b):
    s = similarity(a, b)
    assert s == similarity(b, a)
    assert s == 0.0 or DEFAULT_THRESHOLD <= s <= 1.0
    assert similarity(a, a) == 1.0
