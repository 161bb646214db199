"""Word tables of the HARD alumni benchmark (``hard_alumni.py``): what real teachers' lists hold.

Written from how people are actually called in the five languages, not from the matching
engine's own tables (``templates/nicknames.csv``): some diminutives here are in the
engine's table and some are not (Montse, Inma, Lisa for a Dutch or English Elisabeth...), as in a
real school.
"""

from __future__ import annotations

# formal first name -> (sex, diminutives a teacher may write instead)
NICKNAMES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "es": {
        "Francisco": ("M", ("Paco", "Fran", "Curro")),
        "José": ("M", ("Pepe",)),
        "José María": ("M", ("Chema",)),
        "Manuel": ("M", ("Manolo", "Manu")),
        "Ignacio": ("M", ("Nacho",)),
        "Enrique": ("M", ("Quique",)),
        "Alejandro": ("M", ("Álex", "Alex")),
        "Javier": ("M", ("Javi",)),
        "Daniel": ("M", ("Dani",)),
        "Rafael": ("M", ("Rafa",)),
        "Santiago": ("M", ("Santi",)),
        "Fernando": ("M", ("Nando", "Fer")),
        "Jesús": ("M", ("Chus",)),
        "Guillermo": ("M", ("Guille",)),
        "Eduardo": ("M", ("Edu",)),
        "Dolores": ("F", ("Lola",)),
        "Concepción": ("F", ("Concha", "Conchi")),
        "Rosario": ("F", ("Charo",)),
        "Mercedes": ("F", ("Merche",)),
        "Montserrat": ("F", ("Montse",)),
        "Inmaculada": ("F", ("Inma",)),
        "Isabel": ("F", ("Isa",)),
        "Cristina": ("F", ("Cris",)),
        "Patricia": ("F", ("Patri",)),
        "Pilar": ("F", ("Pili",)),
        "Josefa": ("F", ("Pepa",)),
        "Teresa": ("F", ("Tere",)),
    },
    "it": {
        "Giuseppe": ("M", ("Beppe", "Peppe", "Pino")),
        "Giovanni": ("M", ("Gianni",)),
        "Francesco": ("M", ("Franco", "Checco")),
        "Salvatore": ("M", ("Totò", "Turi")),
        "Vincenzo": ("M", ("Enzo",)),
        "Domenico": ("M", ("Mimmo",)),
        "Alessandro": ("M", ("Ale", "Sandro")),
        "Massimiliano": ("M", ("Max",)),
        "Federico": ("M", ("Fede",)),
        "Filippo": ("M", ("Pippo",)),
        "Luigi": ("M", ("Gino",)),
        "Emanuele": ("M", ("Manu", "Lele")),
        "Daniele": ("M", ("Dani",)),
        "Elisabetta": ("F", ("Betta", "Lisa")),
        "Giuseppina": ("F", ("Pina",)),
        "Francesca": ("F", ("Fra", "Franci")),
        "Valentina": ("F", ("Vale",)),
        "Caterina": ("F", ("Cate",)),
        "Margherita": ("F", ("Rita",)),
    },
    "nl": {
        "Willem": ("M", ("Wim", "Pim")),
        "Johannes": ("M", ("Jan", "Hans", "Johan")),
        "Cornelis": ("M", ("Kees", "Cor")),
        "Hendrik": ("M", ("Henk", "Rik")),
        "Jacobus": ("M", ("Koos", "Jaap")),
        "Petrus": ("M", ("Piet",)),
        "Gerardus": ("M", ("Gerard", "Gert")),
        "Theodorus": ("M", ("Theo",)),
        "Franciscus": ("M", ("Frans",)),
        "Elisabeth": ("F", ("Els", "Lies", "Lisa")),
        "Johanna": ("F", ("Anneke", "Joke")),
        "Catharina": ("F", ("Toos", "Ria")),
        "Maria": ("F", ("Marieke", "Mieke")),
        "Margaretha": ("F", ("Greet",)),
    },
    "et": {
        "Johannes": ("M", ("Jaan", "Juhan")),
        "Aleksander": ("M", ("Sass", "Aleks")),
        "Toomas": ("M", ("Toom",)),
        "Andres": ("M", ("Ants",)),
        "Kristjan": ("M", ("Kris",)),
        "Peeter": ("M", ("Peep",)),
        "Mihkel": ("M", ("Miku",)),
        "Elisabet": ("F", ("Liisa", "Liis")),
        "Katrin": ("F", ("Kati", "Kadri")),
        "Margit": ("F", ("Maret",)),
        "Kristiina": ("F", ("Kristi",)),
    },
    "en": {
        "Robert": ("M", ("Bob", "Rob")),
        "William": ("M", ("Bill", "Will")),
        "Richard": ("M", ("Rick",)),
        "James": ("M", ("Jim", "Jamie")),
        "Michael": ("M", ("Mike",)),
        "Thomas": ("M", ("Tom",)),
        "Anthony": ("M", ("Tony",)),
        "Edward": ("M", ("Ed", "Ted")),
        "Christopher": ("M", ("Chris",)),
        "Alexander": ("M", ("Alex",)),
        "Samuel": ("M", ("Sam",)),
        "Joseph": ("M", ("Joe",)),
        "Matthew": ("M", ("Matt",)),
        "Nicholas": ("M", ("Nick",)),
        "Elizabeth": ("F", ("Liz", "Beth", "Lisa")),
        "Margaret": ("F", ("Maggie", "Peggy")),
        "Catherine": ("F", ("Kate", "Cathy")),
        "Rebecca": ("F", ("Becky",)),
        "Jennifer": ("F", ("Jen",)),
        "Victoria": ("F", ("Vicky",)),
        "Susan": ("F", ("Sue",)),
    },
}

# very common first names (with sex) and surnames per language: "several María García"
COMMON_FIRST: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (("María", "F"), ("José", "M"), ("Antonio", "M"), ("Laura", "F"), ("David", "M"), ("Carmen", "F")),
    "it": (
        ("Marco", "M"),
        ("Giulia", "F"),
        ("Andrea", "M"),
        ("Francesca", "F"),
        ("Luca", "M"),
        ("Sara", "F"),
    ),
    "nl": (("Jan", "M"), ("Anna", "F"), ("Daan", "M"), ("Emma", "F"), ("Thomas", "M"), ("Sanne", "F")),
    "et": (("Mart", "M"), ("Anna", "F"), ("Kristjan", "M"), ("Maria", "F"), ("Martin", "M"), ("Laura", "F")),
    "en": (("James", "M"), ("Sarah", "F"), ("David", "M"), ("Emma", "F"), ("John", "M"), ("Laura", "F")),
}
COMMON_SURNAMES: dict[str, tuple[str, ...]] = {
    "es": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"),
    "nl": ("de Vries", "de Jong", "Jansen", "Bakker", "Visser", "de Boer"),
    "et": ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk"),
    "en": ("Smith", "Jones", "Williams", "Brown", "Taylor", "Davies"),
}

# how a teacher decorates a qualification name: level or programme words around it
QUAL_DECOR: dict[str, tuple[str, ...]] = {
    "es": ("CFGM {q}", "Grado Medio {q}", "{q} (FP)", "1º {q}"),
    "it": ("IeFP {q}", "{q} (triennio)", "Qualifica {q}"),
    "nl": ("MBO-2 {q}", "{q} niveau 3", "MBO {q}"),
    "et": ("{q} (kutseõpe)", "{q} 4. tase"),
    "en": ("Level 2 {q}", "{q} NVQ", "L3 {q}"),
}
# a course a teacher may misremember for another (the same department or a neighbouring one)
NEAR_QUALIFICATION = {
    "cook": "tourism",
    "tourism": "cook",
    "electrician": "mechanic",
    "mechanic": "electrician",
    "admin": "it_support",
    "it_support": "admin",
    "carpentry": "welding",
    "welding": "carpentry",
    "care": "hairdresser",
    "hairdresser": "care",
}

# letters a teacher of another language writes differently (one occurrence is replaced)
TRANSLITERATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ü", ("u", "ue", "y")),
    ("ö", ("o", "oe")),
    ("õ", ("o", "ö")),
    ("ä", ("a", "ae")),
    ("ñ", ("n", "ny", "nh")),
    ("ij", ("y", "ji")),
    ("ll", ("l", "y")),
    ("ss", ("s",)),
    ("zz", ("z", "tz")),
    ("tt", ("t",)),
    ("cc", ("c", "ch")),
    ("gn", ("ny", "n")),
    ("ch", ("c", "k")),
    ("ph", ("f",)),
    ("y", ("i", "j")),
    ("j", ("y", "i")),
    ("k", ("c",)),
    ("c", ("k",)),
    ("v", ("w", "b")),
    ("w", ("v",)),
    ("z", ("s",)),
    ("aa", ("a",)),
    ("ee", ("e",)),
    ("oo", ("o",)),
    ("ii", ("i",)),
)

# what Dutch surnames start with ("de Vries", "van der Berg")
DUTCH_PARTICLES = ("van der ", "van den ", "van de ", "van ", "de ", "den ", "ter ", "ten ", "te ", "'t ")
