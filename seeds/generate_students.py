#!/usr/bin/env python3
"""Generate the fictitious student seed file (seeds/students.csv).

Every person in the output is invented: given names are made-up syllable
combinations, e-mail addresses are under example.edu.hk (a reserved example
domain), and nothing is derived from real people.

The output is deterministic: the generator is seeded with random.Random(2027)
and uses only the standard library, so running it twice gives a byte-identical
file. Rows are generated one after the other from the same random stream, so
the first N rows of a larger file are exactly the N-row file; a benchmark can
therefore generate 100,000 rows with the same distribution as the seed file:

    .venv/bin/python seeds/generate_students.py                  # 320 rows -> seeds/students.csv
    .venv/bin/python seeds/generate_students.py --count 100000 --out /tmp/students-100k.csv
    .venv/bin/python seeds/generate_students.py --count 5 --out -  # print to standard output

Skills and languages are written the way students really write them: mixed
case, abbreviations, spelling variants, occasional typos and full-width
letters, and Chinese in both scripts. About 10% of skill items carry no level.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

SEED = 2027
DEFAULT_COUNT = 320
DEFAULT_OUT = Path(__file__).resolve().parent / "students.csv"
HEADER = [
    "email",
    "full_name",
    "university",
    "programme",
    "year_of_study",
    "graduation_year",
    "skills",
    "languages",
    "available_from",
    "available_to",
]

# The tables below are data, laid out by hand for reading; keep the formatter off them.
# fmt: off
# --------------------------------------------------------------------------- institutions
# key: (e-mail subdomain, weight, ways people write the name with weights)
UNIVERSITIES: dict[str, tuple[str, int, list[tuple[str, int]]]] = {
    "HKU": ("hku", 16, [
        ("The University of Hong Kong", 4), ("University of Hong Kong", 3),
        ("HKU", 6), ("香港大學", 2),
    ]),
    "CUHK": ("cuhk", 16, [
        ("The Chinese University of Hong Kong", 4), ("Chinese University of Hong Kong", 3),
        ("CUHK", 6), ("香港中文大學", 2),
    ]),
    "HKUST": ("hkust", 15, [
        ("The Hong Kong University of Science and Technology", 4),
        ("Hong Kong University of Science and Technology", 3), ("HKUST", 7), ("香港科技大學", 2),
    ]),
    "PolyU": ("polyu", 14, [
        ("The Hong Kong Polytechnic University", 4), ("Hong Kong Polytechnic University", 3),
        ("PolyU", 6), ("香港理工大學", 2),
    ]),
    "CityU": ("cityu", 13, [
        ("City University of Hong Kong", 6), ("CityU", 6), ("香港城市大學", 2),
    ]),
    "HKBU": ("hkbu", 9, [
        ("Hong Kong Baptist University", 6), ("HKBU", 5), ("香港浸會大學", 2),
    ]),
    "LingU": ("ln", 6, [
        ("Lingnan University", 6), ("LingU", 4), ("嶺南大學", 2),
    ]),
    "EdUHK": ("eduhk", 4, [
        ("The Education University of Hong Kong", 4), ("Education University of Hong Kong", 3),
        ("EdUHK", 4), ("香港教育大學", 2),
    ]),
    "HKMU": ("hkmu", 7, [
        ("Hong Kong Metropolitan University", 6), ("HKMU", 5), ("香港都會大學", 2),
    ]),
}

ALL = tuple(UNIVERSITIES)
RESEARCH = ("HKU", "CUHK", "HKUST", "PolyU", "CityU")

# --------------------------------------------------------------------------- skills
# canonical key -> ways students write it (with weights).  The canonical key is
# only used inside this script (to avoid listing the same skill twice for one
# student); the file contains the written forms.
V: dict[str, list[tuple[str, int]]] = {
    "python": [("Python", 30), ("python", 10), ("PYTHON", 2), ("Python 3", 5), ("Python3", 3),
               ("Pyhton", 1), ("Ｐｙｔｈｏｎ", 1)],
    "java": [("Java", 20), ("java", 5), ("JAVA", 2), ("Java 17", 1)],
    "sql": [("SQL", 25), ("sql", 4), ("Sql", 1), ("SQL (MySQL)", 2), ("ＳＱＬ", 1)],
    "postgres": [("PostgreSQL", 6), ("Postgres", 4), ("postgresql", 2), ("postgres", 1)],
    "mysql": [("MySQL", 8), ("mysql", 2)],
    "git": [("Git", 15), ("git", 4), ("GitHub", 4), ("Git/GitHub", 2)],
    "javascript": [("JavaScript", 12), ("JS", 5), ("javascript", 3), ("Javascript", 4),
                   ("Javscript", 1)],
    "typescript": [("TypeScript", 8), ("TS", 3), ("typescript", 2)],
    "react": [("React", 8), ("React.js", 4), ("ReactJS", 3), ("react", 2)],
    "node": [("Node.js", 8), ("node", 2), ("NodeJS", 3), ("Node", 1)],
    "vue": [("Vue", 4), ("Vue.js", 4), ("vue3", 1)],
    "html": [("HTML/CSS", 8), ("HTML", 3), ("CSS", 2), ("html5", 1)],
    "cpp": [("C++", 12), ("c++", 3), ("CPP", 1)],
    "c": [("C", 8), ("C language", 1)],
    "go": [("Go", 4), ("Golang", 4), ("golang", 2)],
    "linux": [("Linux", 10), ("linux", 3), ("Linux/Unix", 2)],
    "docker": [("Docker", 10), ("docker", 3)],
    "k8s": [("Kubernetes", 6), ("k8s", 4), ("K8s", 2), ("kubernetes", 1)],
    "aws": [("AWS", 10), ("Amazon Web Services", 2), ("aws", 1)],
    "gcp": [("GCP", 4), ("Google Cloud", 2)],
    "azure": [("Azure", 4), ("Microsoft Azure", 2)],
    "ml": [("Machine Learning", 20), ("machine learning", 6), ("ML", 8), ("machine-learning", 3),
           ("Machine Learning (ML)", 3), ("機器學習", 3), ("机器学习", 2), ("Machien Learning", 1)],
    "dl": [("Deep Learning", 10), ("DL", 3), ("deep learning", 3), ("深度學習", 2)],
    "nlp": [("NLP", 10), ("Natural Language Processing", 4), ("自然語言處理", 1)],
    "cv": [("Computer Vision", 6), ("CV", 1), ("computer vision", 2)],
    "llm": [("LLM", 6), ("LLMs", 3), ("Large Language Models", 2), ("Prompt Engineering", 2),
            ("大模型", 1)],
    "pytorch": [("PyTorch", 10), ("pytorch", 3), ("Pytorch", 3)],
    "tensorflow": [("TensorFlow", 8), ("tensorflow", 2), ("Tensorflow", 2)],
    "pandas": [("pandas", 8), ("Pandas", 6)],
    "numpy": [("NumPy", 6), ("numpy", 5)],
    "sklearn": [("scikit-learn", 6), ("sklearn", 4), ("Scikit-Learn", 2)],
    "data_analysis": [("Data Analysis", 12), ("data analysis", 4), ("Data Analytics", 4),
                      ("數據分析", 4), ("数据分析", 2)],
    "statistics": [("Statistics", 12), ("statistics", 3), ("Stats", 2), ("統計學", 2)],
    "probability": [("Probability", 6), ("probability theory", 2)],
    "r": [("R", 10), ("R programming", 2), ("RStudio", 2)],
    "spark": [("Spark", 5), ("Apache Spark", 2), ("PySpark", 3)],
    "tableau": [("Tableau", 8), ("tableau", 2)],
    "powerbi": [("Power BI", 8), ("PowerBI", 3), ("power bi", 1)],
    "excel": [("Excel", 25), ("MS Excel", 5), ("excel", 4), ("Microsoft Excel", 4), ("EXCEL", 1),
              ("Exel", 1), ("Ｅｘｃｅｌ", 1)],
    "vba": [("VBA", 6), ("Excel VBA", 3)],
    "fin_model": [("Financial Modelling", 10), ("Financial Modeling", 6), ("financial modeling", 3),
                  ("DCF modelling", 2), ("財務建模", 1)],
    "bloomberg": [("Bloomberg", 10), ("Bloomberg Terminal", 5), ("BBG", 1)],
    "accounting": [("Accounting", 10), ("accounting", 2), ("Financial Accounting", 3), ("會計", 2)],
    "valuation": [("Valuation", 6), ("Equity Valuation", 3)],
    "risk": [("Risk Management", 10), ("risk management", 3), ("風險管理", 3), ("风险管理", 2)],
    "credit_risk": [("Credit Risk", 6), ("credit risk analysis", 2), ("信用風險", 1)],
    "derivatives": [("Derivatives", 6), ("Derivatives Pricing", 3), ("options pricing", 2)],
    "stochastic": [("Stochastic Calculus", 6), ("stochastic calculus", 2)],
    "time_series": [("Time Series Analysis", 6), ("time series", 3), ("Time-series", 1)],
    "econometrics": [("Econometrics", 8), ("econometrics", 2)],
    "stata": [("Stata", 6), ("STATA", 3)],
    "matlab": [("MATLAB", 6), ("Matlab", 4), ("matlab", 1)],
    "blockchain": [("Blockchain", 10), ("blockchain", 3), ("區塊鏈", 3), ("区块链", 1),
                   ("Block chain", 1)],
    "solidity": [("Solidity", 6), ("solidity", 1)],
    "smart_contracts": [("Smart Contracts", 5), ("smart contract", 2)],
    "crypto": [("Cryptography", 6), ("cryptography", 2)],
    "security": [("Cybersecurity", 6), ("Cyber Security", 4), ("cyber-security", 2),
                 ("網絡安全", 2), ("InfoSec", 1)],
    "pentest": [("Penetration Testing", 5), ("pentest", 2), ("Pen Testing", 1)],
    "networks": [("Computer Networks", 5), ("Networking", 4), ("TCP/IP", 2)],
    "dsa": [("Data Structures & Algorithms", 6), ("Algorithms", 4), ("DSA", 2)],
    "compliance": [("Regulatory Compliance", 6), ("Compliance", 6), ("合規", 2)],
    "aml": [("AML", 8), ("Anti-Money Laundering", 4), ("anti money laundering", 1), ("反洗錢", 1)],
    "kyc": [("KYC", 8), ("Know Your Customer", 2)],
    "legal_research": [("Legal Research", 10), ("legal research", 3), ("Westlaw", 3),
                       ("LexisNexis", 2)],
    "drafting": [("Contract Drafting", 6), ("Legal Drafting", 4), ("drafting", 1)],
    "privacy": [("Data Privacy", 6), ("PDPO", 3), ("Data Protection Law", 3), ("個人資料私隱", 1)],
    "figma": [("Figma", 12), ("figma", 3)],
    "ux": [("UX Design", 8), ("UI/UX", 6), ("UI/UX Design", 4), ("User Experience", 2),
           ("用戶體驗", 1)],
    "user_research": [("User Research", 6), ("user research", 2), ("Usability Testing", 3)],
    "prototyping": [("Prototyping", 5), ("Wireframing", 3)],
    "adobe": [("Adobe Illustrator", 4), ("Photoshop", 4), ("Adobe XD", 2)],
    "pm": [("Product Management", 6), ("product management", 2), ("產品管理", 1)],
    "agile": [("Agile", 4), ("Scrum", 3), ("Agile/Scrum", 2)],
    "communication": [("Communication", 8), ("communication skills", 3), ("Presentation", 4),
                      ("Public Speaking", 2)],
    "project_mgmt": [("Project Management", 6), ("project management", 2)],
    "business_analysis": [("Business Analysis", 6), ("business analysis", 2)],
    "android": [("Android", 6), ("Kotlin", 5), ("Android Development", 2)],
    "ios": [("Swift", 5), ("iOS", 3), ("SwiftUI", 2), ("iOS Development", 2)],
    "flutter": [("Flutter", 5), ("flutter", 1), ("Dart", 2)],
    "spring": [("Spring Boot", 6), ("SpringBoot", 2), ("spring boot", 1), ("Spring", 2)],
    "flask": [("Flask", 4), ("Django", 5), ("FastAPI", 3)],
    "redis": [("Redis", 5), ("redis", 1)],
    "kafka": [("Kafka", 4), ("Apache Kafka", 2)],
    "airflow": [("Airflow", 3), ("Apache Airflow", 1)],
    "etl": [("ETL", 5), ("Data Pipelines", 2)],
    "fin_markets": [("Financial Markets", 6), ("financial markets", 2), ("Equity Research", 3)],
    "esg": [("ESG", 5), ("ESG analysis", 2), ("Sustainable Finance", 2)],
    "payments": [("Payments", 4), ("payment systems", 2), ("支付系統", 1)],
    "cfa": [("CFA Level 1", 4), ("CFA Level I", 2)],
    "trade_finance": [("Trade Finance", 4), ("trade finance", 1)],
    "linear_algebra": [("Linear Algebra", 6), ("linear algebra", 2)],
    "os": [("Operating Systems", 5), ("OS", 1)],
    "database": [("Database Systems", 4), ("DBMS", 2), ("Databases", 3)],
    "cloud": [("Cloud Computing", 6), ("cloud computing", 2), ("雲計算", 1)],
    "writing": [("Copywriting", 3), ("Content Writing", 3), ("Chinese Writing", 2)],
    "video": [("Video Editing", 4), ("Premiere Pro", 2)],
    "mandarin_teaching": [("Teaching", 3), ("Tutoring", 3)],
    "tax": [("Taxation", 4), ("HK Tax", 1)],
    "audit": [("Auditing", 4), ("Audit", 2)],
}

# Programme -> (weight, years of study, institutions offering it, skill pool).
# Pool items: (canonical skill, probability of listing it, typical level).
Pool = list[tuple[str, float, float]]
CS_CORE: Pool = [
    ("python", 0.9, 3.2), ("java", 0.6, 3.0), ("sql", 0.7, 2.8), ("git", 0.7, 3.0),
    ("cpp", 0.45, 2.8), ("c", 0.35, 2.7), ("javascript", 0.45, 2.8), ("linux", 0.45, 2.7),
    ("dsa", 0.45, 3.0), ("docker", 0.25, 2.3), ("ml", 0.35, 2.5), ("html", 0.3, 3.0),
    ("react", 0.25, 2.7), ("node", 0.18, 2.5), ("typescript", 0.15, 2.5), ("go", 0.08, 2.3),
    ("aws", 0.15, 2.2), ("k8s", 0.08, 2.0), ("os", 0.2, 2.8), ("database", 0.2, 2.8),
    ("networks", 0.2, 2.6), ("mysql", 0.2, 2.8), ("postgres", 0.12, 2.5), ("flask", 0.15, 2.7),
    ("spring", 0.1, 2.5), ("android", 0.08, 2.6), ("ios", 0.06, 2.5), ("flutter", 0.05, 2.4),
    ("blockchain", 0.06, 2.2), ("security", 0.1, 2.4), ("vue", 0.08, 2.6), ("redis", 0.06, 2.2),
    ("agile", 0.08, 2.5), ("communication", 0.15, 3.5), ("dl", 0.12, 2.3), ("cloud", 0.08, 2.3),
]
DATA: Pool = [
    ("python", 0.95, 3.3), ("r", 0.55, 3.0), ("sql", 0.75, 3.0), ("statistics", 0.7, 3.4),
    ("ml", 0.65, 3.0), ("pandas", 0.45, 3.2), ("numpy", 0.3, 3.0), ("sklearn", 0.3, 2.8),
    ("dl", 0.25, 2.5), ("pytorch", 0.2, 2.5), ("tensorflow", 0.15, 2.4),
    ("data_analysis", 0.5, 3.3),
    ("tableau", 0.25, 2.8), ("powerbi", 0.2, 2.7), ("excel", 0.45, 3.5), ("spark", 0.15, 2.2),
    ("nlp", 0.12, 2.4), ("cv", 0.08, 2.3), ("time_series", 0.2, 2.7), ("git", 0.35, 2.7),
    ("linear_algebra", 0.25, 3.2), ("probability", 0.25, 3.2), ("llm", 0.1, 2.2),
    ("matlab", 0.12, 2.6), ("etl", 0.08, 2.4), ("communication", 0.15, 3.5),
]
QUANT: Pool = [
    ("python", 0.9, 3.3), ("statistics", 0.7, 3.6), ("probability", 0.6, 3.6),
    ("stochastic", 0.45, 3.0), ("derivatives", 0.5, 3.0), ("time_series", 0.4, 3.0),
    ("cpp", 0.35, 2.8), ("r", 0.3, 2.8), ("matlab", 0.3, 3.0), ("excel", 0.6, 3.8),
    ("vba", 0.25, 2.7), ("ml", 0.35, 2.6), ("bloomberg", 0.35, 2.8), ("fin_model", 0.35, 3.0),
    ("sql", 0.35, 2.6), ("risk", 0.3, 2.8), ("linear_algebra", 0.3, 3.5), ("pandas", 0.25, 3.0),
    ("numpy", 0.2, 3.0), ("cfa", 0.08, None), ("fin_markets", 0.2, 3.0),
]
FINANCE: Pool = [
    ("excel", 0.95, 3.7), ("fin_model", 0.6, 3.0), ("bloomberg", 0.45, 2.8),
    ("accounting", 0.55, 3.2), ("valuation", 0.4, 2.9), ("fin_markets", 0.35, 3.0),
    ("python", 0.35, 2.2), ("sql", 0.2, 2.2), ("vba", 0.2, 2.5), ("powerbi", 0.15, 2.6),
    ("tableau", 0.1, 2.5), ("risk", 0.3, 2.8), ("credit_risk", 0.15, 2.6), ("esg", 0.15, 2.8),
    ("cfa", 0.15, None), ("communication", 0.5, 3.8), ("data_analysis", 0.3, 2.9),
    ("derivatives", 0.15, 2.6), ("payments", 0.05, 2.4), ("trade_finance", 0.05, 2.5),
    ("project_mgmt", 0.1, 2.8), ("blockchain", 0.06, 2.0), ("aml", 0.05, 2.4), ("tax", 0.06, 2.6),
]
BUSINESS: Pool = [
    ("excel", 0.9, 3.6), ("communication", 0.7, 4.0), ("pm", 0.2, 2.6),
    ("business_analysis", 0.3, 3.0), ("data_analysis", 0.35, 2.9), ("powerbi", 0.15, 2.6),
    ("tableau", 0.1, 2.5), ("project_mgmt", 0.3, 3.0), ("agile", 0.1, 2.5), ("sql", 0.15, 2.2),
    ("python", 0.2, 2.0), ("fin_markets", 0.2, 2.8), ("accounting", 0.2, 2.8),
    ("writing", 0.15, 3.5), ("esg", 0.12, 2.7), ("figma", 0.08, 2.5), ("payments", 0.05, 2.5),
    ("trade_finance", 0.06, 2.5), ("video", 0.06, 3.0), ("fin_model", 0.15, 2.6),
]
ECON: Pool = [
    ("excel", 0.85, 3.5), ("stata", 0.5, 3.0), ("econometrics", 0.6, 3.1), ("r", 0.35, 2.8),
    ("python", 0.45, 2.5), ("statistics", 0.55, 3.2), ("data_analysis", 0.4, 3.0),
    ("fin_markets", 0.25, 2.8), ("communication", 0.4, 3.7), ("sql", 0.15, 2.3),
    ("time_series", 0.2, 2.6), ("writing", 0.15, 3.5), ("tableau", 0.08, 2.5),
    ("matlab", 0.08, 2.5), ("bloomberg", 0.1, 2.5),
]
LAW: Pool = [
    ("legal_research", 0.85, 3.6), ("drafting", 0.6, 3.2), ("privacy", 0.35, 2.9),
    ("compliance", 0.45, 2.9), ("aml", 0.25, 2.6), ("kyc", 0.15, 2.5), ("communication", 0.7, 4.0),
    ("writing", 0.3, 3.8), ("excel", 0.35, 2.8), ("blockchain", 0.08, 2.0), ("python", 0.08, 1.7),
    ("project_mgmt", 0.06, 2.6), ("esg", 0.08, 2.5), ("risk", 0.15, 2.6),
]
DESIGN: Pool = [
    ("figma", 0.9, 3.6), ("ux", 0.8, 3.3), ("user_research", 0.55, 3.1), ("prototyping", 0.55, 3.2),
    ("adobe", 0.6, 3.3), ("html", 0.35, 2.7), ("javascript", 0.2, 2.2), ("react", 0.1, 2.2),
    ("communication", 0.5, 3.8), ("video", 0.25, 3.0), ("writing", 0.15, 3.3), ("agile", 0.1, 2.5),
    ("pm", 0.1, 2.4),
]
SECURITY: Pool = [
    ("security", 0.9, 3.2), ("pentest", 0.5, 2.8), ("networks", 0.7, 3.2), ("linux", 0.75, 3.2),
    ("python", 0.8, 3.1), ("crypto", 0.45, 2.9), ("c", 0.4, 2.9), ("cpp", 0.3, 2.7),
    ("sql", 0.4, 2.7), ("git", 0.4, 2.8), ("docker", 0.25, 2.5), ("os", 0.35, 3.0),
    ("aws", 0.15, 2.2), ("blockchain", 0.1, 2.2), ("privacy", 0.1, 2.5),
]
FINTECH: Pool = [
    ("python", 0.85, 3.1), ("blockchain", 0.55, 2.9), ("ml", 0.5, 2.7), ("sql", 0.55, 2.8),
    ("excel", 0.55, 3.5), ("payments", 0.3, 2.8), ("fin_markets", 0.35, 3.0),
    ("data_analysis", 0.4, 3.1), ("risk", 0.3, 2.9), ("compliance", 0.2, 2.6), ("aml", 0.2, 2.6),
    ("kyc", 0.15, 2.6), ("solidity", 0.2, 2.4), ("smart_contracts", 0.2, 2.4),
    ("crypto", 0.15, 2.4),
    ("pandas", 0.2, 3.0), ("tableau", 0.1, 2.5), ("dl", 0.15, 2.3), ("llm", 0.15, 2.3),
    ("pm", 0.1, 2.5), ("cloud", 0.1, 2.3), ("fin_model", 0.2, 2.8), ("communication", 0.3, 3.6),
    ("git", 0.3, 2.8), ("r", 0.1, 2.5),
]
AI: Pool = [
    ("python", 0.98, 3.6), ("ml", 0.85, 3.3), ("dl", 0.65, 3.0), ("pytorch", 0.6, 3.0),
    ("tensorflow", 0.3, 2.7), ("nlp", 0.35, 2.8), ("cv", 0.35, 2.8), ("llm", 0.35, 2.6),
    ("linear_algebra", 0.4, 3.4), ("statistics", 0.35, 3.2), ("numpy", 0.4, 3.3),
    ("pandas", 0.35, 3.2), ("sklearn", 0.3, 3.0), ("git", 0.5, 3.0), ("sql", 0.35, 2.6),
    ("cpp", 0.25, 2.6), ("linux", 0.35, 2.8), ("docker", 0.2, 2.4), ("spark", 0.08, 2.2),
]
IS: Pool = [
    ("sql", 0.75, 3.0), ("excel", 0.7, 3.6), ("python", 0.6, 2.7), ("business_analysis", 0.45, 3.0),
    ("powerbi", 0.3, 2.9), ("tableau", 0.3, 2.8), ("data_analysis", 0.45, 3.0), ("java", 0.2, 2.4),
    ("html", 0.3, 2.8), ("javascript", 0.2, 2.5), ("pm", 0.2, 2.6), ("agile", 0.2, 2.6),
    ("communication", 0.45, 3.7), ("project_mgmt", 0.25, 2.9), ("cloud", 0.1, 2.3),
    ("figma", 0.1, 2.5), ("etl", 0.08, 2.4),
]
ACCT: Pool = [
    ("excel", 0.95, 3.8), ("accounting", 0.9, 3.6), ("audit", 0.5, 3.0), ("tax", 0.4, 2.9),
    ("fin_model", 0.3, 2.8), ("vba", 0.15, 2.5), ("powerbi", 0.15, 2.6), ("sql", 0.12, 2.2),
    ("python", 0.15, 2.0), ("communication", 0.5, 3.7), ("compliance", 0.15, 2.6),
    ("data_analysis", 0.2, 2.8), ("esg", 0.1, 2.6), ("aml", 0.06, 2.4),
]

R = RESEARCH
PROGRAMMES: list[tuple[str, int, int, tuple[str, ...], Pool]] = [
    ("BEng Computer Science", 12, 4, ("HKU", "HKUST", "CUHK"), CS_CORE),
    ("BSc Computer Science", 8, 4, ("CityU", "HKBU", "HKMU", "CUHK", "HKU"), CS_CORE),
    ("BEng Computer Engineering", 5, 4, ("HKU", "HKUST", "CUHK", "CityU"), CS_CORE),
    ("BSc Computing", 5, 4, ("PolyU", "HKMU"), CS_CORE),
    ("BEng Information Engineering", 3, 4, ("CUHK", "PolyU"), CS_CORE),
    ("BEng Artificial Intelligence", 3, 4, ("CUHK", "HKUST", "PolyU"), AI),
    ("BSc Data Science", 8, 4, ("HKU", "HKUST", "CityU", "LingU", "HKBU", "HKMU"), DATA),
    ("BSc Statistics", 4, 4, ("HKU", "CUHK", "HKBU"), DATA),
    ("BSc Risk Management Science", 3, 4, ("CUHK", "HKU"), QUANT),
    ("BSc Actuarial Science", 2, 4, ("HKU", "HKUST", "HKBU"), QUANT),
    ("BSc Quantitative Finance", 5, 4, ("HKU", "CUHK", "HKUST"), QUANT),
    ("BSc Financial Technology", 4, 4, ("CUHK", "PolyU"), FINTECH),
    ("BBA Finance", 14, 4, (*ALL[:6], "LingU", "HKMU"), FINANCE),
    ("BBA Accounting and Finance", 5, 4, (*R, "HKBU", "LingU", "HKMU"), ACCT),
    ("BBA Professional Accountancy", 3, 4, ("CUHK", "PolyU", "CityU"), ACCT),
    ("BBA Global Business", 5, 4, ("CUHK", "HKUST", "PolyU", "HKBU", "LingU"), BUSINESS),
    ("BBA Information Systems", 4, 4, ("HKU", "CityU", "HKUST", "HKBU"), IS),
    ("BBA Marketing", 3, 4, ("CityU", "HKBU", "LingU", "HKMU", "PolyU"), BUSINESS),
    ("BBA (Law) & LLB", 2, 5, ("HKU",), LAW),
    ("BA Economics", 5, 4, ("HKU", "CUHK", "HKUST", "LingU", "HKBU", "EdUHK"), ECON),
    ("BSocSc Economics", 3, 4, ("CUHK", "HKU", "HKBU"), ECON),
    ("BEcon&Fin", 2, 4, ("HKU",), FINANCE),
    ("LLB", 5, 4, ("HKU", "CUHK", "CityU"), LAW),
    ("BSc Cybersecurity", 2, 4, ("CityU", "HKMU", "PolyU"), SECURITY),
    ("BA Creative Media", 2, 4, ("CityU", "HKBU"), DESIGN),
    ("BA Interactive Design", 1, 4, ("PolyU",), DESIGN),
    ("BSc Scientific and Engineering Computation", 1, 4, ("HKU",), DATA),
    ("BEd Mathematics and Economics", 1, 5, ("EdUHK",), ECON),
    ("BSocSc Global and Environmental Studies (FinTech minor)", 1, 4, ("EdUHK", "LingU"), FINTECH),
    ("MSc FinTech", 5, 1, ("HKU", "HKUST", "PolyU", "CityU", "HKBU", "CUHK"), FINTECH),
    ("MSc Computer Science", 4, 1, ("HKU", "CUHK", "CityU", "HKBU"), CS_CORE),
    ("MSc Data Science", 3, 1, ("HKU", "CityU", "LingU", "HKMU"), DATA),
    ("MSc Finance", 3, 1, ("HKU", "CUHK", "HKUST", "CityU", "PolyU", "HKBU"), FINANCE),
    ("MSc Artificial Intelligence", 2, 1, ("CityU", "HKUST", "PolyU"), AI),
    ("MPhil Computer Science and Engineering", 1, 2, ("HKUST", "CUHK"), AI),
    ("LLM Compliance and Regulation", 1, 1, ("CityU", "HKU"), LAW),
]

# --------------------------------------------------------------------------- people
SURNAMES_HK = [
    ("Chan", 12), ("Wong", 11), ("Lee", 8), ("Cheung", 6), ("Lau", 6), ("Ho", 5), ("Leung", 6),
    ("Lam", 6), ("Tsang", 3), ("Ng", 5), ("Yeung", 3), ("Li", 3), ("Chow", 3), ("Tam", 3),
    ("Kwok", 2), ("Ma", 2), ("Lai", 3), ("Fung", 2), ("Chu", 2), ("Yip", 2), ("Mak", 2), ("Lo", 2),
    ("Tang", 2), ("Siu", 2), ("Choi", 2), ("Kwan", 2), ("Au", 1), ("Hui", 2), ("Poon", 2),
    ("Yuen", 2), ("Cheng", 3), ("Tse", 2), ("Fong", 1), ("Sze", 1), ("Law", 2), ("Wan", 1),
]
SURNAMES_MAINLAND = [
    ("Zhang", 5), ("Wang", 5), ("Liu", 4), ("Chen", 4), ("Li", 4), ("Zhao", 2), ("Huang", 3),
    ("Zhou", 2), ("Wu", 2), ("Xu", 2), ("Sun", 1), ("Yang", 2), ("Lin", 2), ("He", 1), ("Guo", 1),
]
SURNAMES_OTHER = [
    ("Patel", 1), ("Khan", 1), ("Santos", 1), ("Nguyen", 1), ("Kim", 1), ("Tanaka", 1),
]
# Invented given names: made-up syllable combinations, so no row names a real person.
GIVEN_HEAD = [
    "Al", "Bri", "Ca", "Da", "El", "Fen", "Gal", "Hal", "Iv", "Jo", "Kel", "Lu", "Mar",
    "Nel", "Or", "Pel", "Qui", "Ros", "Sa", "Tam", "Ul", "Vin", "Wyn", "Xan", "Yor", "Zel",
]
GIVEN_TAIL = ["bix", "dora", "ven", "mira", "tas", "lon", "quin", "zeth", "rin", "vessa", "nor",
              "pell", "wick", "sora", "dane", "lix", "mond", "tessa", "ric", "yara"]

# (language key, ways it is written in the file)
LANG_NAMES = {
    "en": [("English", 20), ("英語", 2), ("english", 1)],
    "yue": [("Cantonese", 16), ("粵語", 4), ("粤语", 1), ("cantonese", 1)],
    "cmn": [("Putonghua", 8), ("Mandarin", 10), ("普通話", 4), ("普通话", 2)],
}
# Other languages a few students list (all known to web/reference/languages.py).
OTHER_LANGS = [("Japanese", 4), ("Korean", 2), ("French", 3), ("Spanish", 1), ("German", 1),
               ("日語", 1), ("Hokkien", 1)]

YEAR_WEIGHTS = {1: 10, 2: 25, 3: 40, 4: 20, 5: 8}

# fmt: on


def pick(rng: random.Random, options: list[tuple[str, int]]) -> str:
    values = [o[0] for o in options]
    weights = [o[1] for o in options]
    return rng.choices(values, weights=weights, k=1)[0]


def clamp_level(x: float) -> int:
    return max(1, min(5, round(x)))


def given_name(rng: random.Random) -> str:
    return rng.choice(GIVEN_HEAD) + rng.choice(GIVEN_TAIL)


def make_skills(rng: random.Random, pool: Pool, year: int, years: int) -> str:
    seniority = (year - 1) / max(1, years - 1) if years > 1 else 0.6
    # Real profiles have 5-12 entries.  Every pool skill gets a random priority
    # biased by how common it is for the programme (weighted sampling without
    # replacement), so trimming keeps the core skills and topping up adds likely ones.
    target = rng.choices(range(5, 13), weights=[10, 14, 16, 16, 14, 10, 7, 5], k=1)[0]
    ranked = sorted(pool, key=lambda item: -(rng.random() ** (1.0 / item[1])))
    listed = [(key, base) for key, prob, base in ranked if rng.random() < prob]
    listed_keys = {key for key, _ in listed}
    spare = [(key, base) for key, _, base in ranked if key not in listed_keys]
    chosen: list[tuple[str, float | None]] = (listed + spare)[:target]
    # Students tend to put their strongest/core skills first.
    chosen.sort(key=lambda kb: -(kb[1] or 2.5) + rng.random() * 1.5)
    items = []
    for key, base in chosen:
        written = pick(rng, V[key])
        if base is None or rng.random() < 0.10:
            items.append(written)  # no level: the importer applies the default
        else:
            level = clamp_level(rng.gauss(base + 0.7 * seniority - 0.3, 0.8))
            items.append(f"{written}:{level}")
    sep = "; " if rng.random() < 0.3 else ";"
    return sep.join(items)


def make_languages(rng: random.Random, background: str) -> str:
    levels: list[tuple[str, int | None]] = []
    if background == "hk":
        levels = [
            ("yue", 5),
            ("en", clamp_level(rng.gauss(3.9, 0.7))),
            ("cmn", clamp_level(rng.gauss(3.2, 0.9))),
        ]
    elif background == "mainland":
        yue = clamp_level(rng.gauss(1.8, 0.9)) if rng.random() < 0.6 else None
        levels = [("cmn", 5), ("en", clamp_level(rng.gauss(3.8, 0.6)))]
        if yue is not None:
            levels.append(("yue", yue))
    else:
        levels = [("en", 5)]
        if rng.random() < 0.6:
            levels.append(("yue", clamp_level(rng.gauss(2.0, 1.0))))
        if rng.random() < 0.4:
            levels.append(("cmn", clamp_level(rng.gauss(1.8, 0.8))))
    if rng.random() < 0.4:
        rng.shuffle(levels)
    items = []
    for key, level in levels:
        written = pick(rng, LANG_NAMES[key])
        items.append(written if rng.random() < 0.05 else f"{written}:{level}")
    if rng.random() < 0.07:
        items.append(f"{pick(rng, OTHER_LANGS)}:{clamp_level(rng.gauss(2.2, 0.9))}")
    return ";".join(items)


def make_availability(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    start = dt.date(2027, 5, 15) + dt.timedelta(days=rng.randint(0, 46))
    end = dt.date(2027, 8, 1) + dt.timedelta(days=rng.randint(0, 45))
    if r < 0.09:
        return "", ""
    if r < 0.12:
        return start.isoformat(), ""
    return start.isoformat(), end.isoformat()


def student_row(rng: random.Random, index: int) -> list[str]:
    uni_keys = list(UNIVERSITIES)
    uni = rng.choices(uni_keys, weights=[UNIVERSITIES[k][1] for k in uni_keys], k=1)[0]
    subdomain, _, writings = UNIVERSITIES[uni]
    offered = [p for p in PROGRAMMES if uni in p[3]]
    programme, _, years, _, pool = rng.choices(offered, weights=[p[1] for p in offered], k=1)[0]
    year = rng.choices(
        range(1, years + 1), weights=[YEAR_WEIGHTS[y] for y in range(1, years + 1)], k=1
    )[0]
    graduation = 2027 + (years - year)

    r = rng.random()
    if programme.startswith(("MSc", "MPhil", "LLM ")):
        background = "mainland" if r < 0.55 else ("other" if r < 0.62 else "hk")
    else:
        background = "mainland" if r < 0.14 else ("other" if r < 0.18 else "hk")
    surnames = {"hk": SURNAMES_HK, "mainland": SURNAMES_MAINLAND, "other": SURNAMES_OTHER}
    surname = pick(rng, surnames[background])
    given = given_name(rng)
    if rng.random() < 0.15:
        given = f"{given} {given_name(rng)}"
    style = rng.random()
    if style < 0.55:
        full_name = f"{given} {surname}"
    elif style < 0.85:
        full_name = f"{surname.upper()} {given}"
    else:
        full_name = f"{surname}, {given}"

    slug_surname = surname.lower()
    slug_given = given.split()[0].lower()
    if rng.random() < 0.6:
        email = f"s{index:04d}.{slug_surname}@{subdomain}.example.edu.hk"
    else:
        email = f"{slug_given}.{slug_surname}.{index:04d}@example.edu.hk"

    university = pick(rng, writings)
    skills = make_skills(rng, pool, year, years) if rng.random() > 0.01 else ""
    languages = make_languages(rng, background) if rng.random() > 0.03 else ""
    if rng.random() < 0.02:
        programme = ""  # some coordinators' sheets miss a programme
    available_from, available_to = make_availability(rng)
    return [
        email,
        full_name,
        university,
        programme,
        str(year),
        str(graduation),
        skills,
        languages,
        available_from,
        available_to,
    ]


def generate(count: int, seed: int = SEED):
    rng = random.Random(seed)
    for index in range(1, count + 1):
        yield student_row(rng, index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        default=DEFAULT_COUNT,
        help=f"number of students (default {DEFAULT_COUNT})",
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help="output CSV path, or - for standard output (default seeds/students.csv)",
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be zero or more")

    def write(stream) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        for row in generate(args.count, args.seed):
            writer.writerow(row)

    if args.out == "-":
        sys.stdout.reconfigure(encoding="utf-8", newline="")
        write(sys.stdout)
    else:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as stream:
            write(stream)
        print(f"wrote {args.count} students to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
