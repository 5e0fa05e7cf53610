// Benchmark tooling: writes a synthetic corpus of article records in the exact content/ format,
// byte-identical for a given seed and count. `npx tsx scripts/generate-corpus.ts --count N --out DIR [--seed S] [--force]`
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

type Rng = () => number;
type Lang = "en" | "de" | "fr";

interface Provider {
  name: string;
  domain: string;
  lang: Lang;
}

interface TextBank {
  subjects: readonly string[];
  verbs: readonly string[];
  objects: readonly string[];
  tails: readonly string[];
  sections: readonly string[];
  /** Body phrases: emphasis lead-in, "as X reported" (`@` is the link), list lead, quote marks, speakers. */
  focus: string;
  reported: string;
  points: string;
  quote: readonly [string, string];
  speakers: readonly string[];
}

/** mulberry32: tiny and fast; Math.random cannot be seeded, so runs would not be reproducible. */
function mulberry32(seed: number): Rng {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, so that any `--seed` string maps to a 32-bit seed. */
function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's finaliser: seeds derived from consecutive indexes would give correlated streams. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const chance = (rng: Rng, probability: number): boolean => rng() < probability;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

function hex(rng: Rng, digits: number): string {
  let out = "";
  while (out.length < digits)
    out += Math.floor(rng() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, digits);
}

function base64(rng: Rng, bytes: number): string {
  const buffer = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) buffer[i] = Math.floor(rng() * 256);
  return buffer.toString("base64");
}

/** Samples a list in popularity order with weight 1/rank^s, so a few entries dominate. */
function zipf<T>(items: readonly T[], exponent: number): (rng: Rng) => T {
  const cumulative = new Float64Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += 1 / (i + 1) ** exponent;
    cumulative[i] = total;
  }
  return (rng) => {
    const target = rng() * total;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as T;
  };
}

// Pools, most popular first (the samplers are Zipf-skewed by position).
const TOPICS = [
  ...new Set([
    "AI",
    "Climate",
    "Energy",
    "Public Health",
    "Business",
    "Machine Learning",
    "Regulation",
    "Space",
    "Startups",
    "Finance",
    "Biotech",
    "Énergie renouvelable",
    "AI in Healthcare",
    "Cybersecurity",
    "Gesundheitsförderung",
    "Electric Vehicles",
    "Economy",
    "Generative AI",
    "Semiconductors",
    "Renewable Energy",
    "Privacy",
    "Vaccines",
    "Batteries",
    "Künstliche Intelligenz",
    "Extreme Weather",
    "Robotics",
    "Cloud Computing",
    "Quantum Computing",
    "Open Source",
    "Data Protection",
    "Blockchain",
    "Cryptocurrency",
    "Fintech",
    "Venture Capital",
    "Big Tech",
    "Social Media",
    "Smartphones",
    "Wearables",
    "5G",
    "Telecommunications",
    "Software Engineering",
    "Web Development",
    "Programming Languages",
    "DevOps",
    "Edge Computing",
    "Autonomous Vehicles",
    "Drones",
    "Satellites",
    "Astronomy",
    "Mars Exploration",
    "Virtual Reality",
    "Augmented Reality",
    "Gaming",
    "E-Commerce",
    "Digital Advertising",
    "Search Engines",
    "Chatbots",
    "Computer Vision",
    "Natural Language Processing",
    "High-Performance Computing",
    "Data Centers",
    "Internet Governance",
    "Digital Identity",
    "Misinformation",
    "Platform Regulation",
    "Genomics",
    "Gene Therapy",
    "Infectious Diseases",
    "HIV",
    "Cancer Research",
    "Neuroscience",
    "Mental Health",
    "Nutrition",
    "Obesity",
    "Diabetes",
    "Cardiology",
    "Antibiotic Resistance",
    "Clinical Trials",
    "Drug Pricing",
    "Medical Devices",
    "Telemedicine",
    "Ageing",
    "Sleep",
    "Epidemiology",
    "Pandemic Preparedness",
    "Global Health",
    "Health Policy",
    "Santé publique",
    "Pflege",
    "Microbiome",
    "Physics",
    "Particle Physics",
    "Chemistry",
    "Materials Science",
    "Mathematics",
    "Archaeology",
    "Palaeontology",
    "Evolution",
    "Marine Biology",
    "Ecology",
    "Biodiversity",
    "Ornithology",
    "Oceanography",
    "Geology",
    "Volcanology",
    "Seismology",
    "Solar Power",
    "Wind Power",
    "Offshore Wind",
    "Nuclear Power",
    "Fusion Energy",
    "Hydrogen",
    "Energy Storage",
    "Heat Pumps",
    "Grid Infrastructure",
    "Oil and Gas",
    "Coal",
    "Carbon Capture",
    "Carbon Markets",
    "Climate Finance",
    "Climate Policy",
    "Heatwaves",
    "Floods",
    "Wildfires",
    "Drought",
    "Sea Level Rise",
    "Glaciers",
    "Air Pollution",
    "Plastic Pollution",
    "Recycling",
    "Circular Economy",
    "Agriculture",
    "Food Security",
    "Water",
    "Forests",
    "Deforestation",
    "Urban Planning",
    "Public Transport",
    "Aviation",
    "Shipping",
    "Rail",
    "Klimaschutz",
    "Energiewende",
    "Mobilité durable",
    "Transition écologique",
    "Inflation",
    "Interest Rates",
    "Central Banks",
    "Labour Market",
    "Remote Work",
    "Trade",
    "Supply Chains",
    "Manufacturing",
    "Retail",
    "Real Estate",
    "Housing",
    "Banking",
    "Insurance",
    "Stock Markets",
    "Mergers and Acquisitions",
    "Antitrust",
    "Taxation",
    "Pensions",
    "Inequality",
    "Elections",
    "European Union",
    "United States",
    "China",
    "India",
    "Africa",
    "Latin America",
    "Geopolitics",
    "Defence",
    "Migration",
    "Human Rights",
    "Courts",
    "Education",
    "Higher Education",
    "Research Funding",
    "Science Policy",
    "Journalism",
    "Media",
    "Culture",
    "Film",
    "Music",
    "Books",
    "Sport",
    "Football",
    "Olympics",
    "Tourism",
    "Wirtschaftspolitik",
    "Économie",
    "Enseignement supérieur",
    "Bildung",
    "Datenschutz",
    "Santé mentale",
    "Intelligence artificielle",
    "Sécurité alimentaire",
    "Städtebau",
    "Öffentlicher Nahverkehr",
    "Ciencia",
    "Energía solar",
    "Inteligencia artificial",
    "Salud pública",
  ]),
];

const NAMED_PROVIDERS: readonly Provider[] = (
  [
    ["Reuters", "reuters.com", "en"],
    ["BBC News", "bbc.com", "en"],
    ["Forbes", "forbes.com", "en"],
    ["Nature", "nature.com", "en"],
    ["The Guardian", "theguardian.com", "en"],
    ["Der Spiegel", "spiegel.de", "de"],
    ["Le Monde", "lemonde.fr", "fr"],
    ["Ars Technica", "arstechnica.com", "en"],
    ["The New York Times", "nytimes.com", "en"],
    ["Bloomberg", "bloomberg.com", "en"],
    ["Süddeutsche Zeitung", "sueddeutsche.de", "de"],
    ["Associated Press", "apnews.com", "en"],
    ["Financial Times", "ft.com", "en"],
    ["Heise Online", "heise.de", "de"],
    ["Les Échos", "lesechos.fr", "fr"],
    ["The Verge", "theverge.com", "en"],
    ["Science", "science.org", "en"],
    ["The Washington Post", "washingtonpost.com", "en"],
    ["Zeit Online", "zeit.de", "de"],
    ["Wired", "wired.com", "en"],
    ["The Economist", "economist.com", "en"],
    ["Libération", "liberation.fr", "fr"],
    ["TechCrunch", "techcrunch.com", "en"],
    ["New Scientist", "newscientist.com", "en"],
    ["Frankfurter Allgemeine", "faz.net", "de"],
    ["Scientific American", "scientificamerican.com", "en"],
    ["MIT Technology Review", "technologyreview.com", "en"],
    ["Le Figaro", "lefigaro.fr", "fr"],
    ["The Atlantic", "theatlantic.com", "en"],
    ["NPR", "npr.org", "en"],
    ["Tagesschau", "tagesschau.de", "de"],
    ["CNN", "cnn.com", "en"],
    ["Al Jazeera", "aljazeera.com", "en"],
    ["Politico", "politico.com", "en"],
    ["Axios", "axios.com", "en"],
    ["France 24", "france24.com", "fr"],
    ["Vox", "vox.com", "en"],
    ["Handelsblatt", "handelsblatt.com", "de"],
    ["Quartz", "qz.com", "en"],
    ["Fast Company", "fastcompany.com", "en"],
    ["Harvard Business Review", "hbr.org", "en"],
    ["Le Télégramme", "letelegramme.fr", "fr"],
    ["The Lancet", "thelancet.com", "en"],
    ["STAT", "statnews.com", "en"],
    ["Neue Zürcher Zeitung", "nzz.ch", "de"],
    ["Carbon Brief", "carbonbrief.org", "en"],
    ["Grist", "grist.org", "en"],
    ["Inside Climate News", "insideclimatenews.org", "en"],
    ["L'Express", "lexpress.fr", "fr"],
    ["IEEE Spectrum", "spectrum.ieee.org", "en"],
    ["Engadget", "engadget.com", "en"],
    ["Golem.de", "golem.de", "de"],
    ["ZDNet", "zdnet.com", "en"],
    ["VentureBeat", "venturebeat.com", "en"],
    ["Le Temps", "letemps.ch", "fr"],
    ["The Register", "theregister.com", "en"],
    ["Der Standard", "derstandard.at", "de"],
    ["Nikkei Asia", "asia.nikkei.com", "en"],
    ["South China Morning Post", "scmp.com", "en"],
    ["La Presse", "lapresse.ca", "fr"],
    ["The Hindu", "thehindu.com", "en"],
    ["Die Welt", "welt.de", "de"],
    ["ABC News Australia", "abc.net.au", "en"],
    ["Numerama", "numerama.com", "fr"],
    ["CBC News", "cbc.ca", "en"],
    ["Die Presse", "diepresse.com", "de"],
    ["The Irish Times", "irishtimes.com", "en"],
    ["Futura", "futura-sciences.com", "fr"],
    ["Euronews", "euronews.com", "en"],
    ["Ärzteblatt", "aerzteblatt.de", "de"],
    ["Deutsche Welle", "dw.com", "en"],
    ["Ouest-France", "ouest-france.fr", "fr"],
    ["taz", "taz.de", "de"],
  ] as const
).map(([name, domain, lang]) => ({ name, domain, lang }));

/** Fills the long tail up to ~150 providers with plausible regional titles. */
function syntheticProviders(count: number): Provider[] {
  const places = ["Northern", "Harbour", "Alpine", "Coastal", "Metro", "Valley", "Lakeside", "Capital", "Riverside"];
  const nouns = ["Ledger", "Courier", "Dispatch", "Observer", "Gazette", "Review", "Tribune", "Chronicle", "Herald"];
  const tlds = ["com", "net", "org", "co.uk", "news"];
  const out: Provider[] = [];
  for (let i = 0; out.length < count; i++) {
    const place = places[i % places.length] as string;
    const noun = nouns[(i * 4 + Math.floor(i / places.length)) % nouns.length] as string;
    const domain = `${place}${noun}.${tlds[i % tlds.length]}`.toLowerCase();
    out.push({ name: `The ${place} ${noun}`, domain, lang: "en" });
  }
  return out;
}

const PROVIDERS = [...NAMED_PROVIDERS, ...syntheticProviders(150 - NAMED_PROVIDERS.length)];

const CATEGORIES = ["news", "analysis", "research", "business", "opinion", "science", "technology", "explainer"];

const BANKS: Record<Lang, TextBank> = {
  en: {
    subjects: [
      "Researchers",
      "Scientists in Switzerland",
      "The European Commission",
      "Regulators",
      "A new study",
      "Investors",
      "Engineers",
      "Hospitals across Europe",
      "The central bank",
      "Lawmakers",
      "A coalition of startups",
      "Doctors",
      "Climate scientists",
      "The World Health Organization",
      "Chipmakers",
      "Carmakers",
      "Farmers",
      "City councils",
      "A team at MIT",
      "Economists",
      "Cybersecurity experts",
      "Astronomers",
      "Teachers' unions",
      "Energy ministers",
      "Insurers",
      "Open-source developers",
      "The UN",
      "Tech giants",
      "Battery makers",
      "Europe's biggest utility",
      "A Berlin-based startup",
    ],
    verbs: [
      "warn about",
      "unveil",
      "approve",
      "question",
      "raise $400 million for",
      "test",
      "delay",
      "expand",
      "back",
      "reject",
      "propose",
      "investigate",
      "predict a surge in",
      "call for limits on",
      "bet on",
      "scale up",
      "cut spending on",
      "publish data on",
      "sign a deal on",
      "push back against",
      "launch",
      "rethink",
      "double down on",
      "struggle with",
      "drop plans for",
      "fast-track",
      "map",
    ],
    objects: [
      "sodium-ion batteries",
      "heat pumps",
      "generative AI tools",
      "the 1.5 °C target",
      "offshore wind farms",
      "a four-day work week",
      '"forever chemicals"',
      "drug prices",
      "long-acting HIV injections",
      "quantum computers",
      "the AI Act",
      "green hydrogen",
      "rooftop solar",
      "carbon capture",
      "self-driving taxis",
      "antibiotic resistance",
      "R&D budgets",
      "gene therapies",
      "data centres' power use",
      "interest rates",
      "heatwave deaths",
      "microplastics",
      "chip exports",
      "satellite broadband",
      "nuclear fusion",
      "electric trucks",
      "mental-health apps",
      "wildfire smoke",
      "remote work",
      "bird flu",
      "coral reefs",
      "lithium mining",
      "small modular reactors",
      "open-weight models",
      "digital IDs",
      "crop yields",
      "rail freight",
      "school phone bans",
      "methane leaks",
      "grid storage",
    ],
    tails: [
      "in Europe",
      "after a record year",
      "despite supply-chain worries",
      "as prices fall",
      "for the first time",
      "by 2030",
      "amid growing criticism",
      "ahead of the election",
      "in a landmark ruling",
      "under new EU rules",
      "as demand soars",
      "in a first for the industry",
      "with mixed results",
      "after years of delays",
      "across 40 countries",
      "at a fraction of the cost",
      "as the climate warms",
      "in low-income countries",
      "before the summit",
      "according to new data",
      'despite "transitioning away" pledges',
      "with €2bn in funding",
      "in record time",
      "for under-18s",
      "at less than 2% of GDP",
    ],
    sections: ["news", "science", "technology", "business", "world", "environment", "health"],
    focus: "The focus is on",
    reported: "As @ reported,",
    points: "Key points:",
    quote: ["\u201c", "\u201d"],
    speakers: ["said a spokesperson", "said one analyst", "said the lead author"],
  },
  de: {
    subjects: [
      "Forscher",
      "Mehrere Bundesländer",
      "Kinderärzte",
      "Die Grünen",
      "Münchner Start-ups",
      "Verbraucherschützer",
      "Krankenkassen",
      "Die Stadtwerke",
      "Klimaforscher",
      "Hersteller",
      "Der Bundestag",
      "Ökonomen",
    ],
    verbs: [
      "diskutieren über",
      "fordern mehr Geld für",
      "testen",
      "kritisieren",
      "setzen auf",
      "stoppen",
      "prüfen",
      "verdoppeln",
      "planen",
      "begrüßen",
    ],
    objects: [
      "Engpässe bei Fiebersäften",
      "Wärmepumpen",
      "die Energiewende",
      "künstliche Intelligenz",
      "höhere Zölle",
      "E-Autos",
      "Windkraft an Land",
      "die Schuldenbremse",
      "sauberes Grundwasser",
      "Lieferketten",
      "neue Bahnstrecken",
      "Gesundheitsförderung in Schulen",
      "strengeren Datenschutz",
    ],
    tails: [
      "in Bayern",
      "trotz hoher Kosten",
      "nach dem Rekordsommer",
      "ab 2026",
      "für Kinder",
      "im Winter",
      "bis 2030",
      "in ganz Europa",
      "wegen Personalmangel",
      "ohne Übergangsfrist",
    ],
    sections: ["wirtschaft", "wissenschaft", "gesundheit", "politik", "netzwelt"],
    focus: "Im Mittelpunkt stehen",
    reported: "Wie @ berichtete,",
    points: "Die wichtigsten Punkte:",
    quote: ["\u201e", "\u201c"],
    speakers: ["sagte eine Sprecherin", "sagte ein Analyst", "sagte der Studienleiter"],
  },
  fr: {
    subjects: [
      "Les chercheurs",
      "Les députés",
      "Les États insulaires",
      "Les régions",
      "Plusieurs start-up lyonnaises",
      "Les médecins",
      "Les agriculteurs",
      "Les économistes",
      "Les associations",
      "Les syndicats",
      "Les maires",
    ],
    verbs: [
      "dénoncent",
      "réclament",
      "testent",
      "misent sur",
      "critiquent",
      "lancent",
      "suspendent",
      "prévoient",
      "accélèrent",
      "repoussent",
    ],
    objects: [
      "« un accord truffé de failles »",
      "l'énergie renouvelable",
      "les pompes à chaleur",
      "l'intelligence artificielle",
      "les prix de l'électricité",
      "la réforme des retraites",
      "les vaccins à ARN",
      "la sécurité alimentaire",
      "les éoliennes en mer",
      "le télétravail",
      "la mobilité durable",
      "les déserts médicaux",
    ],
    tails: [
      "en Bretagne",
      "malgré la hausse des coûts",
      "d'ici à 2030",
      "pour la première fois",
      "après un été record",
      "à Paris",
      "dans toute l'Europe",
      "face à la sécheresse",
      "sans attendre Bruxelles",
    ],
    sections: ["planete", "sciences", "economie", "international", "sante"],
    focus: "Au cœur du débat :",
    reported: "Comme l'a rapporté @,",
    points: "Les points clés :",
    quote: ["« ", " »"],
    speakers: ["a déclaré une porte-parole", "estime un analyste", "souligne l'auteur principal"],
  },
};

const IMAGE_SIZES = [
  [1200, 800],
  [1200, 630],
  [1920, 1080],
  [685, 260],
  [800, 450],
  [1024, 768],
  [640, 427],
  [1600, 900],
  [2048, 1365],
  [400, 400],
] as const;
const OFFSETS = ["+01:00", "+02:00", "-04:00", "-05:00", "-07:00", "+05:30", "+09:00", "+04:00", "+10:00", "+00:00"];

const pickTopic = zipf(TOPICS, 1);
const pickProvider = zipf(PROVIDERS, 1.05);
const pickCategory = zipf(CATEGORIES, 1.2);

/** Plain YAML where the seed records use it, double-quoted (JSON is valid YAML) everywhere else. */
function scalar(value: string): string {
  const plain =
    /^\p{L}[\p{L}\p{N} .'&/+-]*[\p{L}\p{N}]$/u.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** English banks list verbs in the plural; a singular subject ("The UN", "A new study") takes -s. */
function agree(subject: string, verb: string): string {
  if (!/^(A|An|The|Europe's) /.test(subject)) return verb;
  const space = verb.indexOf(" ");
  const first = space < 0 ? verb : verb.slice(0, space);
  return `${first}${/(sh|ch|s|x)$/.test(first) ? "es" : "s"}${space < 0 ? "" : verb.slice(space)}`;
}

function sentence(rng: Rng, bank: TextBank): string {
  const subject = pick(rng, bank.subjects);
  const core = `${subject} ${agree(subject, pick(rng, bank.verbs))} ${pick(rng, bank.objects)}`;
  return chance(rng, 0.6) ? `${core} ${pick(rng, bank.tails)}` : core;
}

/** Cuts at a word boundary so a field never exceeds its range. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, text.lastIndexOf(" ", max)).replace(/[\s,:;—-]+$/, "");
}

const titleCase = (text: string): string =>
  text.replace(/(^|\s)(\p{Ll})(?=\p{L}{3})/gu, (_m, s, c) => s + c.toUpperCase());

/** Joins whole clauses up to a length drawn from [min, max], so no field ends mid-phrase; `clip` is a safety net. */
function joinClauses(rng: Rng, min: number, max: number, next: () => string, separator: () => string): string {
  const target = int(rng, min, max);
  let text = next();
  for (let tries = 0; text.length < target && tries < 50; tries++) {
    const joined = `${text}${separator()}${next()}`;
    if (joined.length <= max) text = joined;
    else if (text.length >= min) break;
  }
  return clip(text, max);
}

function makeTitle(rng: Rng, bank: TextBank, lang: Lang, min: number, max: number): string {
  const title = joinClauses(
    rng,
    min,
    max,
    () => sentence(rng, bank),
    () => pick(rng, [": ", " — "]),
  );
  // Some English outlets (Forbes-style) capitalise every word.
  return lang === "en" && chance(rng, 0.3) ? titleCase(title) : title;
}

function makeProse(rng: Rng, bank: TextBank, min: number, max: number): string {
  return joinClauses(
    rng,
    min,
    max,
    () => `${sentence(rng, bank)}.`,
    () => " ",
  );
}

function slug(text: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replaceAll("ß", "ss");
  return ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .split("-")
    .slice(0, 9)
    .join("-");
}

function host(domain: string): string {
  return domain.split(".").length === 2 ? `www.${domain}` : domain;
}

function articleUrl(rng: Rng, provider: Provider, title: string, ms: number): string {
  const day = new Date(ms).toISOString().slice(0, 10).replaceAll("-", "/");
  const section = pick(rng, BANKS[provider.lang].sections);
  return `https://${host(provider.domain)}/${section}/${day}/${slug(title)}-${hex(rng, 8)}/`;
}

function imageUrl(rng: Rng, provider: Provider, ms: number): string {
  const ext = pick(rng, ["jpg", "jpg", "jpg", "png", "webp"]);
  const id = hex(rng, 24);
  switch (int(rng, 0, 2)) {
    case 0:
      return `https://cdn.${provider.domain}/images/${new Date(ms).getUTCFullYear()}/${id}.${ext}`;
    case 1:
      return `https://media.${provider.domain}/m685/static/image/art%3A${id}/Fig${int(rng, 1, 6)}_HTML.${ext}`;
    default:
      return `https://thumbor.${provider.domain}/fit-in/1200x0/filters%3Aformat%28${ext}%29/${id}.${ext}`;
  }
}

function imagesBlock(rng: Rng, provider: Provider, ms: number, indent: string): string[] {
  const lines: string[] = [];
  const count = chance(rng, 0.8) ? 1 : 2;
  for (let i = 0; i < count; i++) {
    const [width, height] = pick(rng, IMAGE_SIZES);
    lines.push(`${indent}- url: ${JSON.stringify(imageUrl(rng, provider, ms))}`);
    lines.push(`${indent}  width: ${width}`, `${indent}  height: ${height}`);
    if (chance(rng, 0.8)) lines.push(`${indent}  isCached: true`);
  }
  return lines;
}

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Most records use an unquoted UTC timestamp; some a quoted local time with its offset, as editors write them. */
function dateTime(rng: Rng, ms: number): string {
  if (chance(rng, 0.75)) return iso(ms);
  const offset = pick(rng, OFFSETS);
  const minutes = (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
  return JSON.stringify(`${new Date(ms + minutes * 60_000).toISOString().slice(0, 19)}${offset}`);
}

function body(rng: Rng, bank: TextBank, ms: number): string {
  const blocks: string[] = [];
  let listed = false;
  const count = int(rng, 1, 4);
  for (let i = 0; i < count; i++) {
    const kind = rng();
    if (kind < 0.15) blocks.push(`## ${sentence(rng, bank)}`);
    if (kind < 0.5) {
      const emphasis = pick(rng, bank.objects);
      const prose = makeProse(rng, bank, 120, 600);
      blocks.push(`${prose} ${bank.focus} ${chance(rng, 0.5) ? `**${emphasis}**` : `_${emphasis}_`}.`);
    } else if (kind < 0.7) {
      const source = pickProvider(rng);
      const link = `[${source.name}](${articleUrl(rng, source, pick(rng, bank.objects), ms)})`;
      blocks.push(`${makeProse(rng, bank, 80, 300)} ${bank.reported.replace("@", link)} ${sentence(rng, bank)}.`);
    } else if (kind < 0.85 && !listed) {
      // One list per article at most, as in the seed records.
      listed = true;
      const items = Array.from(
        { length: int(rng, 2, 5) },
        () => `- ${pick(rng, bank.objects)} ${pick(rng, bank.tails)}`,
      );
      blocks.push(bank.points, items.join("\n"));
    } else {
      const [open, close] = bank.quote;
      blocks.push(`> ${open}${sentence(rng, bank)}${close}, ${pick(rng, bank.speakers)}.`);
    }
  }
  return blocks.join("\n\n");
}

interface Clock {
  startMs: number;
  units: number;
  unitMs: number;
}

/** Minutes when there are enough of them for one per record, else seconds: dates must be distinct. */
function clock(fromIso: string, toIso: string, count: number): Clock {
  const startMs = Date.parse(fromIso);
  const spanMs = Date.parse(toIso) - startMs;
  const unitMs = spanMs / 60_000 >= count ? 60_000 : 1000;
  if (spanMs / unitMs < count) throw new Error(`--count ${count} is too large for distinct dates`);
  return { startMs, units: Math.floor(spanMs / unitMs), unitMs };
}

/** Slot s owns the integer units [lo, hi), disjoint from every other slot's, so instants never collide. */
function instant(rng: Rng, { startMs, units, unitMs }: Clock, slot: number, count: number): number {
  const lo = Math.floor((slot * units) / count);
  const hi = Math.floor(((slot + 1) * units) / count);
  return startMs + (lo + Math.floor(rng() * (hi - lo))) * unitMs;
}

interface Context {
  seed: number;
  count: number;
  pad: number;
  slots: Uint32Array;
  past: Clock;
  future: Clock;
}

interface Generated {
  name: string;
  text: string;
  draft: boolean;
  scheduled: boolean;
}

function generate(index: number, ctx: Context): Generated {
  // One stream per record: a record depends only on the seed, its index and its date slot.
  const rng = mulberry32(mix32(ctx.seed ^ Math.imul(index + 1, 0x9e3779b9)));
  const id = `${String(index).padStart(ctx.pad, "0")}_${hex(rng, 16)}`;
  const provider = pickProvider(rng);
  const bank = BANKS[provider.lang];
  const draft = chance(rng, 0.02);
  const scheduled = !draft && chance(rng, 0.005);
  const slot = ctx.slots[index] as number;
  const ms = instant(rng, scheduled ? ctx.future : ctx.past, slot, ctx.count);
  const title = makeTitle(rng, bank, provider.lang, 40, 120);
  const url = articleUrl(rng, provider, title, ms);

  const lines = ["---"];
  if (chance(rng, 0.9)) lines.push(`category: ${pickCategory(rng)}`);
  lines.push(`title: ${JSON.stringify(title)}`);
  if (chance(rng, 0.9)) lines.push(`excerpt: ${JSON.stringify(makeProse(rng, bank, 120, 400))}`);
  lines.push(`publishedDateTime: ${dateTime(rng, ms)}`);
  // Mostly both links equal; some differ (RSS via / JSON external_url), some have only one.
  const links = rng();
  if (links < 0.82 || links >= 0.92) lines.push(`originalUrl: ${JSON.stringify(url)}`);
  if (links < 0.75 || (links >= 0.82 && links < 0.92)) lines.push(`webUrl: ${JSON.stringify(url)}`);
  else if (links < 0.82) lines.push(`webUrl: ${JSON.stringify(`${url}?outputType=amp`)}`);
  const kind = rng();
  lines.push(`type: ${kind < 0.9 ? "article" : kind < 0.96 ? "video" : "podcast"}`);
  lines.push(`quality: ${int(rng, 0, 100)}`);
  lines.push(`heat: ${chance(rng, 0.2) ? -1 : int(rng, 0, 100)}`);
  lines.push(`published: ${!draft}`);

  lines.push("", "provider:", `  name: ${scalar(provider.name)}`, `  domain: ${provider.domain}`);

  const topics = new Set<string>();
  const topicCount = int(rng, 1, 4);
  // Bounded retries: the head of the Zipf pool repeats often.
  for (let tries = 0; topics.size < topicCount && tries < 20; tries++) topics.add(pickTopic(rng));
  lines.push("", "topics:", ...[...topics].map((topic) => `  - ${scalar(topic)}`));

  if (chance(rng, 0.5)) lines.push("", "images:", ...imagesBlock(rng, provider, ms, "  "));

  if (chance(rng, 0.3)) {
    lines.push("", "related:");
    const relatedCount = chance(rng, 0.7) ? 1 : 2;
    for (let i = 0; i < relatedCount; i++) {
      const source = pickProvider(rng);
      const sourceBank = BANKS[source.lang];
      const relatedMs = ms - int(rng, 60, 14_400) * 60_000;
      const relatedTitle = makeTitle(rng, sourceBank, source.lang, 40, 110);
      lines.push(`  - title: ${JSON.stringify(relatedTitle)}`);
      if (chance(rng, 0.9)) lines.push(`    excerpt: ${JSON.stringify(makeProse(rng, sourceBank, 80, 240))}`);
      lines.push(`    publishedDateTime: ${iso(relatedMs)}`);
      lines.push(`    webUrl: ${JSON.stringify(articleUrl(rng, source, relatedTitle, relatedMs))}`);
      lines.push("    type: article", "    provider:", `      name: ${scalar(source.name)}`);
      lines.push(`      domain: ${source.domain}`, `    quality: ${int(rng, 0, 100)}`);
      if (chance(rng, 0.2)) lines.push("    images:", ...imagesBlock(rng, source, relatedMs, "      "));
    }
  }

  if (chance(rng, 0.2)) {
    lines.push("", `secured: ${JSON.stringify(`${base64(rng, int(rng, 48, 360))};${base64(rng, 16)}`)}`);
  }
  lines.push("---", "");
  if (chance(rng, 0.4)) lines.push(body(rng, bank, ms), "");
  return { name: `${id}.md`, text: lines.join("\n"), draft, scheduled };
}

/** Fisher–Yates over date slots, so that dates are distinct but not in file-name order. */
function shuffledSlots(count: number, seed: number): Uint32Array {
  const slots = new Uint32Array(count);
  for (let i = 0; i < count; i++) slots[i] = i;
  const rng = mulberry32(mix32(seed ^ 0x5bd1e995));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swap = slots[i] as number;
    slots[i] = slots[j] as number;
    slots[j] = swap;
  }
  return slots;
}

async function prepare(dir: string, force: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  if (!force) throw new Error(`${dir} is not empty; pass --force to replace its *.md files`);
  const stale = entries.filter((name) => name.endsWith(".md"));
  for (let i = 0; i < stale.length; i += 500) {
    await Promise.all(stale.slice(i, i + 500).map((name) => rm(path.join(dir, name), { force: true })));
  }
}

const BATCH = 500;

const USAGE = `usage: npm run corpus -- --count N --out DIR [--seed S] [--force]
Writes N synthetic article records in content/'s format into DIR, byte-identical for a
given seed and count (default seed 1). --force replaces the *.md files of a non-empty DIR.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: "string" },
      out: { type: "string" },
      seed: { type: "string", default: "1" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || !values.out) throw new Error(USAGE);
  const dir = path.resolve(values.out);
  const started = performance.now();
  await prepare(dir, values.force ?? false);

  const seed = hashString(values.seed ?? "1");
  const ctx: Context = {
    seed,
    count,
    pad: Math.max(3, String(count - 1).length),
    slots: shuffledSlots(count, seed),
    past: clock("2021-11-01T00:00:00Z", "2026-11-01T00:00:00Z", count),
    future: clock("2027-01-01T00:00:00Z", "2031-01-01T00:00:00Z", count),
  };

  let bytes = 0;
  let drafts = 0;
  let scheduled = 0;
  // One batch is written while the next is generated; only two batches of text exist at once.
  let pending: Promise<unknown> = Promise.resolve();
  for (let start = 0; start < count; start += BATCH) {
    const batch: Generated[] = [];
    for (let index = start; index < Math.min(start + BATCH, count); index++) batch.push(generate(index, ctx));
    for (const record of batch) {
      bytes += Buffer.byteLength(record.text);
      if (record.draft) drafts++;
      if (record.scheduled) scheduled++;
    }
    await pending;
    pending = Promise.all(batch.map((record) => writeFile(path.join(dir, record.name), record.text)));
  }
  await pending;

  const seconds = (performance.now() - started) / 1000;
  console.log(
    `wrote ${count} records (${drafts} drafts, ${scheduled} scheduled) to ${dir}: ` +
      `${(bytes / 1_048_576).toFixed(1)} MiB in ${seconds.toFixed(2)} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
