"""Common names of Jordan and Syria with the romanisations clerks actually write.

Consonant skeletons cannot tell Mohammad from Mahmoud or Omar from Ammar,
because Latin spelling does not show which vowels are long. For the names
that make up most of the population the lexicon settles it: a Latin spelling
found here takes the key of its Arabic form, which does show long vowels.
One line per name: the Arabic spelling, "=", then Latin spellings (the first
is the canonical one used for the folded name). Extend it freely; tests check
that every line keeps its own key.
"""

from __future__ import annotations

from typing import Final

_TABLE: Final = """
محمد = mohammad mohammed muhammad mohamad mohamed mouhamad muhamad mohamet mhd mohd mohammd mouhammad muhammed mohamaad
محمود = mahmoud mahmud mahmood mahmod mahmut
احمد = ahmad ahmed ahmet ahamad
حمد = hamad hammad
حامد = hamed hamid haamed
حميد = hameed humaid
حمدي = hamdi hamdy
علي = ali aly alee
علاء = alaa ala ula olaa
عاليه = alia aliya aaliya aliyah
عمر = omar umar omer oumar
عمرو = amr amro amru omro
عمار = ammar amar ammaar
عامر = amer aamer
امير = amir ameer
حسن = hasan hassan hasen
حسين = hussein husain hussain husein hossein housein hussien hsein
حسان = hassaan
حسني = husni hosni
يوسف = yousef yusuf youssef yousif yousuf yosef yusef joseph
ابراهيم = ibrahim ebrahim ibraheem brahim
اسماعيل = ismail ismaeel ismael esmail
خالد = khaled khalid khalied haled
خليل = khalil khaleel
عبدالله = abdallah abdullah abdalla abdulla
عبدالرحمن = abdalrahman abdulrahman abdelrahman abdurrahman abdrahman
عبدالرحيم = abdalrahim abdulrahim abdelrahim abdurrahim
عبدالكريم = abdalkarim abdulkarim abdelkarim abdulkareem
عبدالعزيز = abdalaziz abdulaziz abdelaziz
عبدالسلام = abdalsalam abdulsalam abdelsalam abdussalam
عبدالناصر = abdalnasser abdulnasser abdelnasser abdennasser
ابوبكر = abubakr aboubakr abubaker abobakr abubakar
نورالدين = nouraldin nuraldin nureddin noureddine nourdin
صالح = saleh salih saaleh
صلاح = salah salaah
صلاحالدين = salahaldin salaheddin
فالح = faleh falih
فلاح = falah fallah
سامي = sami samy sammy
ساميه = samia samiya samiah
سمير = samir sameer
سميره = samira sameera samirah
سليمان = suleiman sulaiman solaiman sleiman suleyman
سلمان = salman salmaan
سالم = salem salim
سليم = saleem selim
سلمى = salma salmaa
مصطفى = mustafa moustafa mostafa mustapha moustapha
موسى = musa mousa moussa mosa
عيسى = issa isa eissa
يحيى = yahya yahia yehia yahiya
فاطمه = fatima fatmeh fatimah fatema fatma
عائشه = aisha aysha aicha aishah
خديجه = khadija khadijah khadeeja
زينب = zainab zeinab zaynab
مريم = mariam maryam mariem miriam
نور = nour nur noor
امنه = amina aminah ameena amna
امال = amal amaal
ايمان = iman eman imaan
ايمن = ayman aiman
رانيا = rania ranya
رنا = rana
هدى = huda hoda houda
منى = mona muna
ليلى = layla laila leila
هاله = hala
رشا = rasha
سعاد = suad souad
سعد = saad saed
سعيد = saeed said saied saeid
سعيده = saida saeeda
مجدي = majdi magdy majdy
ماجد = majed majid
مجيد = majeed
فادي = fadi fady
رامي = rami ramy
هاني = hani hany
هناء = hanaa hana
طه = taha
وليد = walid waleed
خلود = kholoud khulud
رائد = raed raid
وائل = wael wail
عادل = adel adil
عدنان = adnan
فيصل = faisal faysal feisal
جمال = jamal gamal
جميل = jamil jameel
جميله = jamila jameela
كمال = kamal
كريم = karim kareem
ناصر = nasser naser nasir
نصر = nasr
منصور = mansour mansur
يونس = younes yunis younis yunus
ياسين = yassin yaseen yasin
ياسر = yasser yaser yasir
ياسمين = yasmin yasmeen jasmin
بلال = bilal belal
زياد = ziad zeyad ziyad
عماد = imad emad
اياد = iyad eyad ayad
عدي = uday oday udai odai
قاسم = qasem qasim kassem kasem
هشام = hisham hesham
شادي = shadi chadi shady
طارق = tareq tarek tariq tarik
عثمان = othman uthman osman
انس = anas
اسامه = osama usama ossama usamah
معاذ = muath moath muaz moaz
مهند = mohannad muhannad
نضال = nidal nedal
رياض = riad riyad riyadh
حنان = hanan
رهف = rahaf
دعاء = duaa doaa
اسراء = israa esraa
عبير = abeer abir
سناء = sanaa sana
وفاء = wafaa wafa
مها = maha
لينا = lina leena
دينا = dina
رزان = razan
شيماء = shaimaa shayma
الحريري = alhariri hariri
الزعبي = alzoubi zoubi alzubi zubi
المصري = almasri masri almasry
الخطيب = alkhatib khatib alkhateeb
الشامي = alshami shami
العلاونه = alawneh alawneh alawne
علوان = alwan
الهام = ilham elham
الياس = elias elyas ilyas
"""


# The names of God that follow عبد in a compound given name (Abd al-Rahman, Abd al-Hamid,
# Abd al-Ilah ...), without their article. A clerk's "Abed", "Abdo" or "Abdu" is a name of
# its own unless one of these (or an article) follows it. Ali and Nur are left out: they
# are among the divine names but far more often a father's own name after "Abed".
_DIVINE: Final = """
الله اله رحمن رحيم ملك قدوس سلام مومن مهيمن عزيز جبار متكبر خالق باري مصور غفار غفور
قهار وهاب رزاق فتاح عليم قابض باسط رافع معز سميع بصير حكم عدل لطيف خبير حليم عظيم شكور
كبير حفيظ مقيت حسيب جليل كريم رقيب مجيب واسع حكيم ودود مجيد باعث شهيد حق وكيل قوي متين
ولي حميد محصي مبدي معيد محيي حي قيوم واجد ماجد واحد احد صمد قادر مقتدر اول اخر ظاهر باطن
والي متعالي بر تواب منتقم عفو رووف رؤوف مالك مقسط جامع غني مغني مانع نافع هادي بديع باقي
وارث رشيد صبور ستار محسن منعم معطي رب
"""
DIVINE_NAMES: Final[tuple[str, ...]] = tuple(_DIVINE.split())


def lexicon_entries() -> list[tuple[str, tuple[str, ...]]]:
    """(Arabic spelling, Latin spellings) for each line of the table, in order."""
    entries: list[tuple[str, tuple[str, ...]]] = []
    for line in _TABLE.strip().splitlines():
        arabic, _, latin = line.partition("=")
        entries.append((arabic.strip(), tuple(latin.split())))
    return entries
