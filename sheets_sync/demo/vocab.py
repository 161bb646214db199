"""Words the demo school's teachers type, per language (en es it nl et).

Names of people come from Faker; these are the small tables Faker does not have: list headers,
qualification names, yes/no and role words, alumni categories and common nicknames.
"""

from __future__ import annotations

LANGUAGES = ("es", "it", "nl", "et", "en")
LOCALES = {"en": "en_GB", "es": "es_ES", "it": "it_IT", "nl": "nl_NL", "et": "et_EE"}
COUNTRY_CODES = {"en": "44", "es": "34", "it": "39", "nl": "31", "et": "372"}
REGIONS = {"en": "GB", "es": "ES", "it": "IT", "nl": "NL", "et": "EE"}

# The fields a teacher's column can hold (the keys of ``HEADERS``).
from sheets_sync.schema import FIELDS  # noqa: E402,F401  (re-exported: one list of fields for all)

HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "first_name": "First name",
        "surname": "Surname",
        "full_name": "Full name",
        "email": "Email address",
        "phone": "Mobile",
        "student_id": "Student ID",
        "birth_date": "Date of birth",
        "graduation_year": "Year of graduation",
        "qualification": "Course",
        "department": "Department",
        "category": "Alumni category",
        "role": "Relationship",
        "strength": "Strength (1-5)",
        "last_contact": "Last contact",
        "consent": "Consent",
        "notes": "Notes",
        "address": "Address",
        "postcode": "Postcode",
        "city": "Town",
    },
    "es": {
        "first_name": "Nombre",
        "surname": "Apellidos",
        "full_name": "Nombre y apellidos",
        "email": "Correo electrónico",
        "phone": "Teléfono",
        "student_id": "Nº de alumno",
        "birth_date": "Fecha de nacimiento",
        "graduation_year": "Año de graduación",
        "qualification": "Ciclo formativo",
        "department": "Departamento",
        "category": "Categoría",
        "role": "Relación",
        "strength": "Grado de relación",
        "last_contact": "Último contacto",
        "consent": "Consentimiento",
        "notes": "Observaciones",
        "address": "Dirección",
        "postcode": "Código postal",
        "city": "Localidad",
    },
    "it": {
        "first_name": "Nome",
        "surname": "Cognome",
        "full_name": "Cognome e nome",
        "email": "E-mail",
        "phone": "Cellulare",
        "student_id": "Matricola",
        "birth_date": "Data di nascita",
        "graduation_year": "Anno di diploma",
        "qualification": "Qualifica",
        "department": "Dipartimento",
        "category": "Categoria",
        "role": "Ruolo",
        "strength": "Forza del legame",
        "last_contact": "Ultimo contatto",
        "consent": "Consenso privacy",
        "notes": "Note",
        "address": "Indirizzo",
        "postcode": "CAP",
        "city": "Città",
    },
    "nl": {
        "first_name": "Voornaam",
        "surname": "Achternaam",
        "full_name": "Naam",
        "email": "E-mailadres",
        "phone": "Telefoonnummer",
        "student_id": "Studentnummer",
        "birth_date": "Geboortedatum",
        "graduation_year": "Afstudeerjaar",
        "qualification": "Opleiding",
        "department": "Afdeling",
        "category": "Categorie",
        "role": "Rol",
        "strength": "Sterkte relatie",
        "last_contact": "Laatste contact",
        "consent": "Toestemming",
        "notes": "Opmerkingen",
        "address": "Adres",
        "postcode": "Postcode",
        "city": "Woonplaats",
    },
    "et": {
        "first_name": "Eesnimi",
        "surname": "Perekonnanimi",
        "full_name": "Nimi",
        "email": "E-post",
        "phone": "Telefon",
        "student_id": "Õpilase kood",
        "birth_date": "Sünniaeg",
        "graduation_year": "Lõpetamise aasta",
        "qualification": "Eriala",
        "department": "Osakond",
        "category": "Kategooria",
        "role": "Roll",
        "strength": "Suhte tugevus",
        "last_contact": "Viimane kontakt",
        "consent": "Nõusolek",
        "notes": "Märkused",
        "address": "Aadress",
        "postcode": "Postiindeks",
        "city": "Linn",
    },
}

TITLES = {
    "en": "Former students — keep in touch",
    "es": "Antiguos alumnos — contactos",
    "it": "Ex allievi — contatti",
    "nl": "Oud-studenten — contactgegevens",
    "et": "Vilistlased — kontaktid",
}
SUBTITLES = {
    "en": "Updated by hand, please do not sort",
    "es": "Actualizado a mano",
    "it": "Aggiornato a mano, non ordinare",
    "nl": "Bijgewerkt met de hand",
    "et": "Käsitsi uuendatud",
}

YES = {"en": "Yes", "es": "Sí", "it": "Sì", "nl": "Ja", "et": "Jah"}
NO = {"en": "No", "es": "No", "it": "No", "nl": "Nee", "et": "Ei"}

# tutor / mentor / class teacher, as a teacher writes them (index = strength of the tie, strongest first)
ROLES = {
    "en": ("Tutor", "Mentor", "Class teacher"),
    "es": ("Tutor", "Mentor", "Profesor"),
    "it": ("Tutor", "Mentore", "Coordinatore di classe"),
    "nl": ("Tutor", "Mentor", "Klassendocent"),
    "et": ("Juhendaja", "Mentor", "Klassijuhataja"),
}
ROLE_KEYS = ("tutor", "mentor", "class teacher")

# graduate / non-graduate / certificate / other (order of tabs.ALUMNI_CATEGORIES)
CATEGORIES = {
    "en": ("Graduate", "Non-graduate", "Certificate", "Other"),
    "es": ("Titulado", "No titulado", "Certificado", "Otro"),
    "it": ("Diplomato", "Non diplomato", "Attestato", "Altro"),
    "nl": ("Gediplomeerd", "Niet gediplomeerd", "Certificaat", "Overig"),
    "et": ("Lõpetanud", "Mittelõpetanud", "Tunnistus", "Muu"),
}

# canonical key -> (department, names per language: the full name first, then short forms)
QUALIFICATIONS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "electrician": (
        "Electrical engineering",
        {
            "en": ("Electrical Installation", "Electrician"),
            "es": ("Instalaciones Eléctricas y Automáticas", "IEA"),
            "it": ("Operatore elettrico", "Elettricista"),
            "nl": ("Eerste Monteur Elektrotechniek", "Elektrotechniek"),
            "et": ("Elektrik",),
        },
    ),
    "cook": (
        "Hospitality",
        {
            "en": ("Professional Cookery", "Chef"),
            "es": ("Cocina y Gastronomía", "Cocina"),
            "it": ("Operatore della ristorazione", "Cuoco"),
            "nl": ("Kok", "Zelfstandig werkend kok"),
            "et": ("Kokk",),
        },
    ),
    "hairdresser": (
        "Beauty",
        {
            "en": ("Hairdressing", "Hair & Beauty"),
            "es": ("Peluquería y Cosmética Capilar", "Peluquería"),
            "it": ("Operatore del benessere - acconciatura", "Acconciatore"),
            "nl": ("Kapper", "Allround kapper"),
            "et": ("Juuksur",),
        },
    ),
    "mechanic": (
        "Automotive",
        {
            "en": ("Motor Vehicle Maintenance", "Motor vehicle"),
            "es": ("Electromecánica de Vehículos Automóviles", "EVA"),
            "it": ("Operatore alla riparazione dei veicoli a motore", "Meccanico"),
            "nl": ("Autotechnicus", "Eerste autotechnicus"),
            "et": ("Autotehnik", "Sõidukitehnik"),
        },
    ),
    "it_support": (
        "ICT",
        {
            "en": ("IT Support Technician", "IT support"),
            "es": ("Sistemas Microinformáticos y Redes", "SMR"),
            "it": ("Tecnico informatico", "Informatica"),
            "nl": ("Medewerker ICT", "ICT-beheer"),
            "et": ("IT-süsteemide nooremspetsialist", "IT"),
        },
    ),
    "care": (
        "Health and care",
        {
            "en": ("Health and Social Care", "Care"),
            "es": ("Cuidados Auxiliares de Enfermería", "TCAE"),
            "it": ("Operatore socio-sanitario", "OSS"),
            "nl": ("Verzorgende IG", "VIG"),
            "et": ("Hooldustöötaja",),
        },
    ),
    "admin": (
        "Business",
        {
            "en": ("Business Administration", "Business admin"),
            "es": ("Gestión Administrativa", "GA"),
            "it": ("Operatore amministrativo-segretariale", "Amministrazione"),
            "nl": ("Medewerker financiële administratie", "Administratie"),
            "et": ("Raamatupidaja", "Sekretär"),
        },
    ),
    "welding": (
        "Engineering",
        {
            "en": ("Welding and Fabrication", "Welding"),
            "es": ("Soldadura y Calderería", "Soldadura"),
            "it": ("Operatore meccanico - saldatura", "Saldatore"),
            "nl": ("Lasser", "Constructiewerker"),
            "et": ("Keevitaja",),
        },
    ),
    "carpentry": (
        "Construction",
        {
            "en": ("Carpentry and Joinery", "Carpentry"),
            "es": ("Carpintería y Mueble", "Carpintería"),
            "it": ("Operatore del legno", "Falegname"),
            "nl": ("Timmerman", "Allround timmerman"),
            "et": ("Tisler", "Puusepp"),
        },
    ),
    "tourism": (
        "Tourism",
        {
            "en": ("Travel and Tourism", "Tourism"),
            "es": ("Guía, Información y Asistencias Turísticas", "GIAT"),
            "it": ("Tecnico dei servizi turistici", "Turismo"),
            "nl": ("Medewerker reizen", "Toerisme"),
            "et": ("Turismiteenindaja", "Turism"),
        },
    ),
}

# formal first name -> nicknames a teacher might write (small table, per language)
NICKNAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {
        "Francisco": ("Paco", "Fran", "Curro"),
        "José": ("Pepe",),
        "Josefa": ("Pepa",),
        "Manuel": ("Manolo",),
        "Antonio": ("Toni",),
        "Dolores": ("Lola",),
        "Ignacio": ("Nacho",),
        "Guillermo": ("Guille",),
        "Enrique": ("Quique",),
        "Concepción": ("Concha",),
        "Rosario": ("Charo",),
        "Mercedes": ("Merche",),
        "Jesús": ("Chus",),
        "Alejandro": ("Álex",),
        "Isabel": ("Isa",),
        "Cristina": ("Cris",),
        "Pilar": ("Pili",),
        "Eduardo": ("Edu",),
        "Roberto": ("Rober",),
    },
    "it": {
        "Giuseppe": ("Beppe", "Peppe", "Pino"),
        "Giuseppina": ("Pina",),
        "Francesco": ("Franco", "Checco"),
        "Francesca": ("Franci",),
        "Giovanni": ("Gianni", "Nino"),
        "Alessandro": ("Sandro", "Alex"),
        "Roberto": ("Robi",),
        "Salvatore": ("Totò", "Turi"),
        "Domenico": ("Mimmo",),
        "Vincenzo": ("Enzo",),
        "Massimiliano": ("Max",),
        "Federico": ("Fede",),
        "Beatrice": ("Bea",),
        "Gianluca": ("Luca",),
    },
    "nl": {
        "Willem": ("Wim", "Pim"),
        "Johannes": ("Jan", "Hans"),
        "Hendrik": ("Henk",),
        "Cornelis": ("Kees",),
        "Elisabeth": ("Lies", "Els"),
        "Johanna": ("Anneke",),
        "Catharina": ("Toos", "Karin"),
        "Alexander": ("Alex", "Sander"),
        "Thomas": ("Tom",),
        "Samuel": ("Sam",),
        "Benjamin": ("Ben",),
    },
    "et": {
        "Johannes": ("Jaan", "Juhan"),
        "Aleksander": ("Sass", "Aleks"),
        "Aleksandra": ("Sandra",),
        "Toomas": ("Toom",),
        "Kristjan": ("Kris",),
        "Andres": ("Ants",),
        "Jüri": ("Jürka",),
    },
    "en": {
        "Robert": ("Bob", "Rob"),
        "William": ("Bill", "Will"),
        "Richard": ("Rick", "Dick"),
        "Elizabeth": ("Liz", "Beth"),
        "Margaret": ("Maggie", "Peggy"),
        "James": ("Jim", "Jamie"),
        "Michael": ("Mike",),
        "Thomas": ("Tom",),
        "Catherine": ("Kate", "Cathy"),
        "Katherine": ("Kate", "Kathy"),
        "Anthony": ("Tony",),
        "Edward": ("Ed", "Ted"),
        "Jennifer": ("Jen",),
        "Christopher": ("Chris",),
        "Daniel": ("Dan",),
        "Alexander": ("Alex",),
        "Samuel": ("Sam",),
        "Joseph": ("Joe",),
        "Benjamin": ("Ben",),
        "Victoria": ("Vicky",),
        "Rebecca": ("Becky",),
        "Susan": ("Sue",),
    },
}

# The very common names the issue names: two different people each, sharing nothing else.
COMMON_NAMES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "es": ("María", ("García", "López"), "F"),
    "it": ("Marco", ("Rossi",), "M"),
    "nl": ("Jan", ("de Vries",), "M"),
    "et": ("Mart", ("Tamm",), "M"),
    "en": ("James", ("Smith",), "M"),
}

# et_EE in Faker has no address provider: the towns an Estonian school's alumni live in.
ET_CITIES = (
    "Tallinn",
    "Tartu",
    "Narva",
    "Pärnu",
    "Kohtla-Järve",
    "Viljandi",
    "Rakvere",
    "Maardu",
    "Kuressaare",
)

PERSONAL_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
STUDENT_EMAIL_DOMAIN = "students.school.example"
STAFF_EMAIL_DOMAIN = "school.example"
SCHOOL_NAME = "Demo VET School"
