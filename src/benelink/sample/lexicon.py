"""Names, places and officers of the synthetic population, with real spellings.

The weights are rough relative frequencies, Zipf-like on purpose: a handful of
first names (Mohammad, Ahmad, Fatima, ...) cover a large share of people, so
that a name alone never identifies anyone — which is what makes linkage hard
on real Jordanian lists. Each Arabic name carries the Latin transliterations
that really occur in registration data, with how often each is seen.

Entries are ``"arabic;weight;Latin:w|Latin:w"``. Family names marked ``al``
take the Arabic article, and their Latin forms are generated from stems with
the usual ways of writing it (Al-, Al , El-, glued, dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Name:
    """One name: its Arabic spelling, frequency weight and weighted Latin spellings.

    ``glued_variant``: the Arabic is written with a space that clerks may drop
    (نور الدين, نورالدين), as the ``عبد`` names are written glued and may be split.
    """

    arabic: str
    weight: float
    latin: tuple[str, ...]
    latin_weights: tuple[float, ...]
    glued_variant: bool = False


_MALE: Final = """
محمد;140;Mohammad:30|Mohammed:28|Muhammad:14|Mohamad:10|Mohamed:8|Mhd:4|Muhammed:3
أحمد;60;Ahmad:55|Ahmed:45
محمود;35;Mahmoud:60|Mahmud:25|Mahmood:15
علي;30;Ali:90|Aly:10
عمر;28;Omar:80|Umar:12|Omer:8
خالد;28;Khaled:55|Khalid:40|Khaleed:5
عبدالله;28;Abdullah:45|Abdallah:25|Abd Allah:10|Abdulla:10|Abdalla:10
إبراهيم;24;Ibrahim:75|Ebrahim:15|Ibraheem:10
يوسف;24;Yousef:35|Yusuf:20|Youssef:20|Yousif:10|Yosef:8|Yousuf:7
حسين;22;Hussein:50|Hussain:20|Husain:15|Husein:10|Hossein:5
حسن;22;Hasan:50|Hassan:50
مصطفى;18;Mustafa:50|Moustafa:25|Mostafa:20|Mustapha:5
عبدالرحمن;18;Abdulrahman:30|Abdelrahman:20|Abd al-Rahman:15|Abdel Rahman:15|Abdul Rahman:12|Abdalrahman:8
خليل;12;Khalil:85|Khaleel:15
صالح;12;Saleh:75|Salih:25
حمزة;12;Hamza:80|Hamzah:20
طارق;10;Tareq:45|Tariq:35|Tarek:20
سامي;8;Sami:85|Samy:15
سامر;8;Samer:100
زياد;8;Ziad:60|Ziyad:30|Zeyad:10
فيصل;8;Faisal:70|Faysal:20|Feisal:10
ناصر;8;Nasser:65|Naser:30|Nasir:5
بلال;8;Bilal:85|Belal:15
أنس;8;Anas:100
أسامة;8;Osama:60|Usama:25|Osamah:15
وليد;8;Waleed:50|Walid:50
سليمان;8;Suleiman:40|Sulaiman:30|Sleiman:15|Soliman:15
سالم;8;Salem:70|Salim:30
يزن;8;Yazan:100
أيمن;8;Ayman:90|Aiman:10
معاذ;8;Moath:45|Muath:30|Moaz:15|Mu'ath:10
عيسى;6;Issa:70|Eisa:15|Isa:15
أمجد;6;Amjad:100
رامي;6;Rami:90|Ramy:10
فادي;6;Fadi:90|Fady:10
ماجد;6;Majed:60|Majid:40
جمال;6;Jamal:85|Jamaal:10|Gamal:5
عدنان;6;Adnan:100
عدي;6;Odai:50|Uday:30|Oday:20
ليث;6;Laith:80|Layth:20
زيد;6;Zaid:80|Zayd:20
عبدالكريم;6;Abdulkarim:30|Abdel Karim:25|Abdelkarim:20|Abd al-Karim:15|Abdul Kareem:10
عماد;6;Emad:60|Imad:40
هاني;6;Hani:90|Hany:10
رائد;6;Raed:90|Ra'ed:10
مهند;6;Mohannad:60|Muhannad:40
عبدالعزيز;5;Abdulaziz:40|Abdel Aziz:25|Abdelaziz:20|Abd al-Aziz:15
عبدالقادر;5;Abdulqader:30|Abdelkader:25|Abdel Qader:25|Abd al-Qadir:20
نبيل;5;Nabil:60|Nabeel:40
سلطان;5;Sultan:100
مروان;5;Marwan:100
شادي;5;Shadi:90|Shady:10
إياد;5;Iyad:60|Eyad:40
عثمان;5;Othman:55|Uthman:25|Osman:20
حاتم;4;Hatem:70|Hatim:30
منذر;4;Munther:50|Monther:35|Mundhir:15
جهاد;4;Jihad:80|Jehad:20
خضر;4;Khader:50|Khadr:30|Khidr:20
"""

_FEMALE: Final = """
فاطمة;80;Fatima:45|Fatimah:10|Fatmeh:15|Fatma:15|Fatme:10|Fatemeh:5
مريم;40;Mariam:50|Maryam:40|Miriam:10
عائشة;30;Aisha:50|Aysha:20|Aisheh:15|Ayesha:10|Aicha:5
نور;30;Noor:60|Nour:40
سارة;28;Sara:60|Sarah:40
هدى;25;Huda:60|Hoda:30|Houda:10
أمل;20;Amal:100
زينب;16;Zainab:60|Zeinab:30|Zaynab:10
خديجة;16;Khadija:60|Khadijeh:25|Khadeeja:15
رانيا;14;Rania:80|Ranya:20
حنان;14;Hanan:100
أسماء;14;Asmaa:50|Asma:40|Asmaa':10
إيمان;14;Iman:60|Eman:40
ليلى;12;Layla:45|Laila:35|Leila:20
ريم;12;Reem:80|Rim:20
هبة;12;Heba:60|Hiba:40
آية;12;Aya:70|Ayah:30
رنا;10;Rana:100
آمنة;10;Amina:50|Amneh:30|Aminah:20
ديما;8;Dima:100
آلاء;8;Alaa:80|Ala'a:20
ربى;8;Ruba:80|Roba:20
لينا;8;Lina:80|Leena:20
سمر;8;Samar:100
نسرين;8;Nisreen:70|Nesreen:30
منال;8;Manal:100
مها;8;Maha:100
وفاء;8;Wafa:70|Wafaa:30
عبير;8;Abeer:90|Abir:10
سلمى;8;Salma:100
ياسمين;8;Yasmin:60|Yasmeen:40
روان;8;Rawan:100
شهد;8;Shahd:100
رزان;8;Razan:100
سهى;6;Suha:70|Soha:30
هالة;6;Hala:100
غادة;6;Ghada:100
بشرى;6;Bushra:80|Boushra:20
تسنيم;6;Tasneem:80|Tasnim:20
علا;6;Ola:70|Ula:30
ندى;6;Nada:100
جنى;6;Jana:100
هديل;6;Hadeel:80|Hadil:20
رهف;6;Rahaf:100
سعاد;6;Suad:60|Souad:40
نادية;6;Nadia:70|Nadya:30
هيا;5;Haya:100
نجوى;4;Najwa:100
سوسن;4;Sawsan:100
وعد;4;Waad:70|Wa'ad:30
"""

# Family names: "arabic;groups;weight;stems;al" — groups are the nationality codes
# whose families carry the name (J Jordanian, S Syrian, I Iraqi, Y Yemeni, D Sudanese).
_FAMILY: Final = """
العبادي;J;10;Abbadi:70|Abadi:30;al
الزعبي;JS;12;Zoubi:50|Zubi:30|Zu'bi:20;al
الخوالدة;J;8;Khawaldeh:70|Khawaldah:30;al
المجالي;J;6;Majali:80|Mjali:20;al
الحياري;J;6;Hiyari:60|Hyari:40;al
العمري;JS;10;Omari:70|Omary:30;al
الرواشدة;J;6;Rawashdeh:80|Rawashdah:20;al
الطراونة;J;6;Tarawneh:80|Tarawnah:20;al
الشديفات;J;4;Shdeifat:60|Shudaifat:40;al
البطاينة;J;6;Batayneh:70|Bataineh:30;al
الحوامدة;J;4;Hawamdeh:100;al
العزام;J;5;Azzam:70|Azam:30;al
النعيمات;J;5;Nuaimat:50|Nueimat:50;al
الفايز;J;4;Fayez:100;al
القضاة;J;6;Qudah:60|Qudat:40;al
الجبور;J;5;Jbour:50|Jboor:30|Jabbour:20;al
الخطيب;JS;10;Khatib:60|Khateeb:40;al
الشوبكي;J;4;Shobaki:70|Shawbaki:30;al
المومني;J;8;Momani:70|Moumani:30;al
الخصاونة;J;6;Khasawneh:80|Khasawnah:20;al
العتوم;J;6;Otoum:60|Atoum:40;al
الحمايدة;J;4;Hamaideh:100;al
الصمادي;J;5;Smadi:70|Samadi:30;al
الربابعة;J;5;Rababah:60|Rababa'a:20|Rabab'a:20;al
النجار;JS;6;Najjar:70|Najar:30;al
الشريف;JS;5;Sharif:60|Shareef:40;al
التل;J;3;Tal:60|Tell:40;al
بني هاني;J;5;Bani Hani:70|Beni Hani:20|Banihani:10;
أبو زيد;JS;5;Abu Zaid:60|Abuzaid:20|Abu Zeid:20;
أبو رمان;J;4;Abu Rumman:70|Aburumman:30;
حداد;JS;4;Haddad:100;
عبيدات;J;6;Obeidat:80|Ubaidat:20;
غرايبة;J;5;Gharaibeh:80|Gharaybeh:20;
ملكاوي;J;4;Malkawi:100;
الحريري;S;12;Hariri:70|Harriri:20|Hreiri:10;al
المصري;JS;8;Masri:80|Masry:20;al
الحمصي;S;6;Homsi:80|Humsi:20;al
الحلبي;JS;6;Halabi:90|Halaby:10;al
الشامي;JS;5;Shami:100;al
العلي;S;10;Ali:100;al
الأحمد;S;10;Ahmad:60|Ahmed:40;al
المحمد;S;10;Mohammad:50|Mohamad:30|Muhammad:20;al
الحسن;S;8;Hasan:50|Hassan:50;al
الخالد;S;6;Khaled:60|Khalid:40;al
المقداد;S;6;Meqdad:50|Miqdad:30|Mokdad:20;al
الكردي;JS;5;Kurdi:80|Kurdy:20;al
السعدي;JS;5;Saadi:70|Sa'di:30;al
الإدلبي;S;4;Idlibi:80|Edlibi:20;al
الرفاعي;JS;5;Rifai:50|Refai:30|Rifa'i:20;al
الحسين;S;6;Hussein:60|Husain:40;al
العبدالله;S;6;Abdullah:60|Abdallah:40;al
الشيخ;JS;4;Sheikh:60|Shaikh:40;al
الحمود;S;5;Hamoud:70|Hammoud:30;al
الديري;S;4;Deiri:70|Dairi:30;al
العيسى;S;4;Issa:70|Eisa:30;al
قاسم;S;4;Kassem:40|Qasem:40|Kasem:20;
حمادة;S;4;Hamadeh:60|Hamada:40;
الجاسم;S;5;Jasem:60|Jassem:40;al
الجبوري;I;8;Jubouri:60|Jbouri:20|Juboori:20;al
العبيدي;I;6;Obaidi:60|Ubaidi:40;al
الدليمي;I;6;Dulaimi:70|Dleimi:30;al
التميمي;I;5;Tamimi:100;al
العدني;Y;5;Adeni:100;al
الحميري;Y;5;Himyari:100;al
الصنعاني;Y;4;Sanaani:70|San'ani:30;al
عثمان;D;5;Osman:60|Othman:40;
آدم;D;5;Adam:100;
الطيب;D;4;Tayeb:60|Tayyib:40;al
"""

# How the Arabic article is written in Latin, and how often.
_ARTICLE_FORMS: Final = (
    ("Al-", 35.0),
    ("Al ", 15.0),
    ("Al", 10.0),
    ("El-", 8.0),
    ("El ", 5.0),
    ("", 27.0),
)

NATIONALITY_CODES: Final[tuple[str, ...]] = ("JOR", "SYR", "IRQ", "YEM", "SDN")
_GROUP_LETTERS: Final = {"J": 0, "S": 1, "I": 2, "Y": 3, "D": 4}


def _weighted(spec: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    pairs = [item.rsplit(":", 1) for item in spec.split("|")]
    return tuple(p[0] for p in pairs), tuple(float(p[1]) for p in pairs)


def given_names(table: str, *, glued_variant: bool = False) -> tuple[Name, ...]:
    """Names from ``"arabic;weight;Latin:w|Latin:w"`` lines."""
    names = []
    for line in table.strip().splitlines():
        arabic, weight, spec = line.split(";")
        latin, weights = _weighted(spec)
        names.append(Name(arabic, float(weight), latin, weights, glued_variant))
    return tuple(names)


def _with_article(
    stems: tuple[str, ...], weights: tuple[float, ...]
) -> tuple[list[str], list[float]]:
    forms: list[str] = []
    form_weights: list[float] = []
    for stem, w in zip(stems, weights, strict=True):
        for prefix, pw in _ARTICLE_FORMS:
            forms.append(prefix + (stem.lower() if prefix == "Al" else stem))
            form_weights.append(w * pw)
    return forms, form_weights


def _families() -> tuple[tuple[Name, ...], tuple[frozenset[int], ...]]:
    names: list[Name] = []
    groups: list[frozenset[int]] = []
    for line in _FAMILY.strip().splitlines():
        arabic, letters, weight, spec, article = line.split(";")
        stems, weights = _weighted(spec)
        if article == "al":
            latin, lw = _with_article(stems, weights)
            names.append(Name(arabic, float(weight), tuple(latin), tuple(lw)))
        else:
            names.append(Name(arabic, float(weight), stems, weights))
        groups.append(frozenset(_GROUP_LETTERS[c] for c in letters))
    return tuple(names), tuple(groups)


MALE_NAMES: Final[tuple[Name, ...]] = given_names(_MALE)
FEMALE_NAMES: Final[tuple[Name, ...]] = given_names(_FEMALE)
FAMILY_NAMES, FAMILY_GROUPS = _families()

# Governorates: canonical English, Arabic, English spellings seen in files, and
# population shares for Jordanians and for refugees (camps weigh on Mafraq and Zarqa).
GOVERNORATES: Final[tuple[tuple[str, str, tuple[str, ...], float, float], ...]] = (
    ("Amman", "عمان", ("Amman", "Amman", "Amman", "AMMAN", "Aman"), 40.0, 33.0),
    ("Irbid", "إربد", ("Irbid", "Irbid", "Irbed", "IRBID"), 18.0, 20.0),
    ("Zarqa", "الزرقاء", ("Zarqa", "Zarka", "Al Zarqa", "Zarqa"), 15.0, 14.0),
    ("Mafraq", "المفرق", ("Mafraq", "Mafraq", "Al Mafraq", "Mafrak"), 5.0, 22.0),
    ("Balqa", "البلقاء", ("Balqa", "Al Balqa", "Balqa", "Salt"), 5.0, 3.0),
    ("Karak", "الكرك", ("Karak", "Kerak", "Al Karak"), 4.0, 1.0),
    ("Jerash", "جرش", ("Jerash", "Jarash"), 2.5, 1.5),
    ("Ajloun", "عجلون", ("Ajloun", "Ajlun"), 2.0, 1.0),
    ("Madaba", "مادبا", ("Madaba", "Madaba", "Madaba "), 2.5, 2.0),
    ("Tafilah", "الطفيلة", ("Tafilah", "Tafila", "Al Tafileh"), 1.5, 0.3),
    ("Maan", "معان", ("Ma'an", "Maan", "Ma'an"), 1.5, 1.0),
    ("Aqaba", "العقبة", ("Aqaba", "Aqaba", "Al Aqaba"), 3.0, 1.2),
)

# Employment & career guidance officers, grouped by the governorates they cover.
OFFICERS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Rania Haddad", ("Amman",)),
    ("Omar Al-Khatib", ("Amman",)),
    ("Lina Qudah", ("Amman",)),
    ("Samer Nabulsi", ("Amman", "Madaba")),
    ("Hiba Obeidat", ("Irbid",)),
    ("Mahmoud Bataineh", ("Irbid", "Ajloun")),
    ("Dana Momani", ("Irbid", "Jerash")),
    ("Khaled Zoubi", ("Zarqa",)),
    ("Reem Hawamdeh", ("Zarqa",)),
    ("Tareq Khawaldeh", ("Mafraq",)),
    ("Nour Shdeifat", ("Mafraq",)),
    ("Yazan Hiyari", ("Balqa",)),
    ("Ola Majali", ("Karak", "Tafilah")),
    ("Fadi Rawashdeh", ("Maan",)),
    ("Suha Tarawneh", ("Aqaba",)),
)
