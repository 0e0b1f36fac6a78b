// Dutch and English texts of the pages. Elements carry data-i18n="key" (text content) or
// data-i18n-attr="attribute:key" (an attribute); apply() fills them in for the chosen language.

const TEXTS = {
  nl: {
    skip: "Naar de stelling",
    language: "Taal",
    loading: "Laden…",
    statement: "Stelling",
    agree: "Eens",
    disagree: "Oneens",
    pass: "Sla over",
    shortcuts: "Toetsen: A of 1 = eens, D of 2 = oneens, P of 3 = sla over.",
    progress: "{done} van {total} stellingen beoordeeld",
    voteSaved: "Stem opgeslagen.",
    voteFailed: "Uw stem is niet opgeslagen: {reason}. Probeer het opnieuw.",
    newStatement: "Nieuwe stelling",
    done: "U heeft alle stellingen beoordeeld. Dank u wel!",
    doneMore: "Kom later terug: er komen misschien nieuwe stellingen bij.",
    whereYouStand: "Waar staat u?",
    youAreInGroup: "U hoort bij groep {group}, met {size} deelnemers die ongeveer zo denken als u.",
    notYetPlaced: "U staat nog niet op de kaart: daarvoor zijn meer stemmen nodig (van u of anderen).",
    resultsHidden: "De resultaten worden gedeeld door de gespreksleider.",
    mapCaption: "Elke stip is een deelnemer; kleuren zijn opiniegroepen. Uw positie is omcirkeld.",
    you: "u",
    addOwn: "Voeg uw eigen stelling toe",
    addOwnHint: "Kort en over één onderwerp, zodat anderen eens of oneens kunnen zijn.",
    yourStatement: "Uw stelling",
    submit: "Insturen",
    submitted: "Dank u! Uw stelling is ingestuurd.",
    submittedPending: "Dank u! Uw stelling verschijnt na goedkeuring door de gespreksleider.",
    similarExists: "Er zijn al stellingen die erop lijken:",
    submitFailed: "Uw stelling is niet ingestuurd: {reason}",
    aboutYou: "Over u (niet verplicht)",
    aboutYouHint: "Zo kan de gespreksleider zien of alle groepen meedoen. U kunt ook gewoon stemmen.",
    role: "Ik ben vooral",
    age: "Leeftijd",
    area: "Postcode (4 cijfers)",
    noAnswer: "— geen antwoord —",
    save: "Opslaan",
    saved: "Opgeslagen. Dank u!",
    roles: {resident: "inwoner", patient: "patiënt of cliënt", carer: "mantelzorger",
            professional: "zorgprofessional", manager: "manager", board_member: "bestuurder",
            other: "anders"},
    closed: "Dit gesprek is gesloten; stemmen kan niet meer.",
    notFound: "Dit gesprek bestaat niet (meer).",
    error: "Er ging iets mis: {reason}",
    group: "Groep {group}",
  },
  en: {
    skip: "Skip to the statement",
    language: "Language",
    loading: "Loading…",
    statement: "Statement",
    agree: "Agree",
    disagree: "Disagree",
    pass: "Pass",
    shortcuts: "Keys: A or 1 = agree, D or 2 = disagree, P or 3 = pass.",
    progress: "{done} of {total} statements answered",
    voteSaved: "Vote saved.",
    voteFailed: "Your vote was not saved: {reason}. Please try again.",
    newStatement: "New statement",
    done: "You have answered every statement. Thank you!",
    doneMore: "Come back later: new statements may be added.",
    whereYouStand: "Where do you stand?",
    youAreInGroup: "You are in group {group}, with {size} participants who think roughly like you.",
    notYetPlaced: "You are not on the map yet: that needs more votes (yours or others').",
    resultsHidden: "The facilitator will share the results.",
    mapCaption: "Each dot is a participant; colours are opinion groups. Your position is circled.",
    you: "you",
    addOwn: "Add your own statement",
    addOwnHint: "Short and about one thing, so others can agree or disagree.",
    yourStatement: "Your statement",
    submit: "Submit",
    submitted: "Thank you! Your statement has been submitted.",
    submittedPending: "Thank you! Your statement appears once the facilitator approves it.",
    similarExists: "Similar statements already exist:",
    submitFailed: "Your statement was not submitted: {reason}",
    aboutYou: "About you (optional)",
    aboutYouHint: "This shows the facilitator whether every group takes part. You can just vote.",
    role: "I am mainly",
    age: "Age",
    area: "Postcode (4 digits)",
    noAnswer: "— no answer —",
    save: "Save",
    saved: "Saved. Thank you!",
    roles: {resident: "resident", patient: "patient or client", carer: "carer",
            professional: "care professional", manager: "manager", board_member: "board member",
            other: "other"},
    closed: "This conversation is closed; voting has ended.",
    notFound: "This conversation does not exist (any more).",
    error: "Something went wrong: {reason}",
    group: "Group {group}",
  },
};

export const LANGUAGES = Object.keys(TEXTS);

let current = "nl";

export function setLanguage(lang) {
  current = TEXTS[lang] ? lang : "nl";
  document.documentElement.lang = current;
  return current;
}

export function language() {
  return current;
}

/** The text for `key` in the current language, with {name} placeholders filled in. */
export function t(key, values = {}) {
  const text = key.split(".").reduce((o, k) => (o == null ? o : o[k]), TEXTS[current]);
  if (typeof text !== "string") return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
}

/** Fill every data-i18n / data-i18n-attr element under `root`. */
export function apply(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key));
    }
  }
}

/** Group label: 0 -> A, 1 -> B, ... */
export function groupLetter(id) {
  return id == null ? "?" : String.fromCharCode(65 + Number(id));
}
