/**
 * The French catalogue: the same keys and placeholders as the English one (`en.ts`),
 * and the French names of the coded values shown to a person (AE, AF, CC, CI, CD),
 * keyed by the same codes as the English tables of `../tags.ts`.
 *
 * Typography: a non-breaking space (U+00A0) before « : ; ! ? » and inside « »,
 * everywhere, put by {@linkcode frenchSpacing} so the sources stay readable; the terminal's
 * screen is upper case without accents, as French terminals show it.
 *
 * @module
 */

import type { MessageKey } from "./en.ts";

/**
 * Puts French typography's non-breaking spaces: before `:`, `;`, `!`, `?` and `»`, after
 * `«` (a plain space there becomes U+00A0). A colon that follows no space (`AF=04`,
 * `12:30`, `http://`) is left alone.
 *
 * @param text French text written with plain spaces.
 * @returns The text with non-breaking spaces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frenchSpacing } from "./fr.ts";
 * assert.equal(frenchSpacing("Refusé : AF=04") === "Refusé\u00a0: AF=04", true);
 * ```
 */
export function frenchSpacing(text: string): string {
  return text.replace(/ ([:;!?»])/g, "\u00a0$1").replace(/« /g, "«\u00a0");
}

const MESSAGES: Record<MessageKey, string> = {
  // --- The client: the explanation of an answer ---
  "client.status.approved": "Accepté (AE=10)",
  "client.status.acknowledged": "Demande prise en compte (AE=11), le résultat viendra plus tard",
  "client.status.missing": "Pas de statut (AE absent)",
  "client.status.unknown": "Statut inconnu AE={status}",
  "client.status.no-reason": "Non effectué (AE=01), sans motif (pas d'AF)",
  "client.status.not-done": "Non effectué (AE=01) : AF={code} {reason}",
  "client.status.not-done-detail": "Non effectué (AE=01) : AF={code} {reason}, détail « {detail} »",
  "client.unknown-reason": "(motif inconnu)",
  "client.unknown-meaning": "(inconnu)",
  "client.label.amount": "montant",
  "client.label.action": "opération",
  "client.label.application": "application",
  "client.label.read-mode": "mode de lecture",
  "client.label.authorisation": "autorisation",
  "client.label.card": "carte",
  "client.label.expiry": "fin de validité",
  "client.label.aid": "AID",
  "client.label.contract": "contrat",
  "client.label.private-data": "données privées",
  "client.label.register": "caisse",
  "client.label.version": "version",
  "client.label.status": "statut",
  "client.amount-minor": "{minor} (unités mineures, devise {currency})",
  "client.currency-not-given": "non précisée",
  "client.misbehaves":
    "La demande ne réclamait pas de réponse immédiate (BA=1) : le terminal se comporte mal",
  "client.warning": "Attention : {warning}",
  "client.no-status":
    "La réponse n'a pas de statut : le paiement a peut-être été pris ; vérifiez le terminal",
  "client.error": "Erreur : {message}",
  "client.compare.echo":
    "Le {tag} ({name}) de la réponse vaut « {got} », celui de la demande « {asked} »",
  "client.compare.partial": "Acceptation partielle : {approved} sur {asked}",
  "client.compare.more": "Le montant de la réponse, {approved}, dépasse les {asked} demandés",

  // --- The client: errors, by kind of failure ---
  "error.connect": "Connexion impossible au terminal {where}",
  "error.timeout":
    "Pas de réponse de {where} dans le délai : le paiement a peut-être été pris ; vérifiez le terminal",
  "error.closed":
    "Le terminal {where} a fermé la connexion sans répondre : le paiement a peut-être été pris ; vérifiez le terminal",
  "error.reset":
    "Le terminal {where} a coupé la connexion sans répondre : le paiement a peut-être été pris ; vérifiez le terminal",
  "error.protocol":
    "Réponse mal formée de {where} : le paiement a peut-être été pris ; vérifiez le terminal",
  "error.io": "L'échange avec {where} a échoué : le paiement a peut-être été pris",
  "error.detail": "Détail (en anglais) : {message}",

  // --- The client: usage errors (the command line's own problems) ---
  "usage.see-help": "{name} : {message}. Voir '{name} --help'.",
  "usage.command-line": "ligne de commande incorrecte (détail en anglais) : {message}",
  "usage.unknown-currency":
    "Devise inconnue « {currency} » : un code ISO 4217 est attendu, comme EUR ou 978",
  "usage.amount-syntax":
    "Montant invalide « {amount} » : un nombre décimal est attendu, comme « 112.45 »",
  "usage.amount-comma":
    "Montant invalide « {amount} » : un nombre décimal est attendu, comme « 112.45 » ; le séparateur décimal est le point",
  "usage.amount-decimals-one":
    "Montant invalide « {amount} » : {currency} a 1 décimale, pas {given}",
  "usage.amount-decimals":
    "Montant invalide « {amount} » : {currency} a {digits} décimales, pas {given}",
  "usage.amount-digits":
    "Montant invalide « {amount} » : {minor} unités mineures de {currency} dépassent les 12 chiffres que CB peut porter",
  "usage.amount-zero": "Montant invalide « {amount} » : il ne doit pas être nul",
  "usage.negative-cancel":
    "Un montant négatif est un remboursement et ne peut pas aller avec --{flag}",
  "usage.identify-amount":
    "--identify n'envoie pas de montant et ne peut pas aller avec --amount ni --check",
  "usage.request": "la demande ne peut pas être construite (détail en anglais) : {message}",
  "usage.raw-combined": "--raw envoie la trame telle quelle et ne peut pas aller avec --{option}",
  "usage.raw-empty": "--raw attend une trame",
  "usage.actions-combined": "--{first} et --{second} ne peuvent pas aller ensemble",
  "usage.explain-empty": "--explain attend une trame",

  // --- The client: --explain, the conformance report of a frame ---
  "explain.answer": "Réponse",
  "explain.request": "Demande ({action}{amount})",
  "explain.request-cheque": "Demande ({action} par chèque{amount})",
  "explain.request-amount": " de {amount} {currency}",
  "explain.action-code": "opération {code}",
  "explain.no-action": "sans opération",
  "explain.summary": "{what}, {count} : {verdict}",
  "explain.records-one": "{count} enregistrement",
  "explain.records": "{count} enregistrements",
  "explain.conforms": "conforme au protocole",
  "explain.errors-one": "{count} erreur",
  "explain.errors": "{count} erreurs",
  "explain.warnings-one": "{count} avertissement",
  "explain.warnings": "{count} avertissements",
  "explain.malformed": "Mal formée à la position {offset} :",
  "explain.at-offset": "à la position {offset}",
  "explain.level.error": "erreur",
  "explain.level.warning": "avertissement",
  "explain.finding": "{level}{where} : {message} (en anglais)",

  // --- The virtual terminal's screen ---
  "screen.ready": "PRET",
  "screen.insert-card": "INSEREZ OU\nPRESENTEZ CARTE",
  "screen.insert-cheque": "INSEREZ CHEQUE",
  "screen.enter-pin": "TAPEZ VOTRE CODE",
  "screen.connecting": "CONNEXION...",
  "screen.printing-cheque": "IMPRESSION CHEQUE",
  "screen.approved": "PAIEMENT ACCEPTE",
  "screen.approved-other": "OPERATION\nACCEPTEE",
  "screen.identified": "TERMINAL\nIDENTIFIE",
  "screen.acknowledged": "DEMANDE RECUE",
  "screen.refused": "CARTE REFUSEE",
  "screen.cheque-refused": "CHEQUE REFUSE",
  "screen.forbidden": "OPERATION\nINTERDITE",
  "screen.cardholder-abandon": "ABANDON\nPORTEUR",
  "screen.cancelled": "TRANSACTION\nANNULEE",
  "screen.timeout": "TEMPS DEPASSE",
  "screen.format-error": "ERREUR FORMAT",
  "screen.unknown-action": "OPERATION\nINCONNUE",
  "screen.currency": "DEVISE\nNON ACCEPTEE",
  "screen.failed": "OPERATION\nNON EFFECTUEE",
  "screen.not-answered": "PAS DE REPONSE",
  "screen.action.0": "DEBIT",
  "screen.action.1": "CREDIT",
  "screen.action.2": "ANNULATION",
  "screen.action.3": "DUPLICATA",
  "screen.action.I": "IDENTIFICATION",
  "screen.action.P": "IMPRESSION",
  "screen.action.T": "ETAT",
  "screen.action.other": "DEMANDE",
  "screen.amount": "{amount} {currency}",

  // --- The dashboard: the page ---
  "dash.title": "caisse-ap · simulateur de terminal",
  "dash.subtitle": "simulateur de terminal",
  "dash.connecting": "Connexion…",
  "dash.live": "En direct",
  "dash.disconnected": "Déconnecté : reconnexion…",
  "dash.language": "Langue",
  "dash.terminal": "Terminal virtuel",
  "dash.buttons": "Touches du terminal",
  "dash.key.contact": "Carte",
  "dash.key.contact-sub": "contact",
  "dash.key.contactless": "Sans contact",
  "dash.key.contactless-sub": "présenter",
  "dash.key.refuse": "Refuser",
  "dash.key.refuse-sub": "AF=04",
  "dash.key.timeout": "Délai dépassé",
  "dash.key.timeout-sub": "AF=08",
  "dash.key.cancel": "Annuler",
  "dash.key.cancel-sub": "touche rouge, AF=11",
  "dash.key.abandon": "Abandon",
  "dash.key.abandon-sub": "porteur, AF=06",
  "dash.register": "Caisse {register}",
  "dash.register-reference": "Caisse {register} · {reference}",
  "dash.countdown": "fin du délai dans {seconds} s",
  "dash.next": "Ensuite : {description}",
  "dash.more-waiting": "{count} autre(s) en attente : {ids}",
  "dash.hint.held":
    "Le paiement n° {id} attend : une touche le termine, et la réponse part aussitôt.",
  "dash.hint.hold":
    "Mode attente : le prochain paiement attend ici une touche, {seconds} s au plus.",
  "dash.hint.queue":
    "Une touche choisit comment finira le prochain paiement. Activez le mode attente pour décider de chaque paiement à son arrivée.",
  "dash.queued": "En file pour le prochain paiement : {what}.",
  "dash.label.contact": "accepté, carte insérée (contact)",
  "dash.label.contactless": "accepté, sans contact",
  "dash.label.refuse": "refusé (AF=04)",
  "dash.label.timeout": "délai de saisie dépassé (AF=08)",
  "dash.label.cancel": "annulé, touche rouge (AF=11)",
  "dash.label.abandon": "abandonné par le porteur (AF=06)",
  "dash.settings": "Réglages",
  "dash.mode": "Mode",
  "dash.success": "Succès",
  "dash.failure": "Échec",
  "dash.failure-type": "Type d'échec",
  "dash.failure.abandon": "Abandon (AF=11)",
  "dash.failure.timeout": "Délai dépassé (AF=08)",
  "dash.failure.refused": "Refusé (AF=04)",
  "dash.failure.forbidden": "Interdit (AF=05)",
  "dash.delay": "Délai (secondes)",
  "dash.payment-type": "Moyen de paiement",
  "dash.payment.cbcontact": "CB contact",
  "dash.payment.cbcontactless": "CB sans contact",
  "dash.payment.amexcontact": "Amex contact",
  "dash.payment.amexcontactless": "Amex sans contact",
  "dash.hold": "Mode attente",
  "dash.hold-help": " : chaque paiement attend une touche",
  "dash.magic": "Montants magiques",
  "dash.magic-help": " : les deux derniers chiffres décident",
  "dash.reset": "Réinitialiser",
  "dash.reload": "Recharger le scénario",
  "dash.clear-queue": "Vider la file",
  "dash.delay-invalid": "Le délai doit être un nombre de secondes, comme 3 ou 0.5",
  "dash.saved": "Enregistré",
  "dash.reset-done":
    "Réinitialisé : réglages, files et mode attente comme au démarrage, journal vidé",
  "dash.reloaded": "Scénario rechargé : {rules} règles",
  "dash.fact.terminal": "Terminal",
  "dash.fact.scenario": "Scénario",
  "dash.fact.scenario-value": "{file}, {rules} règles",
  "dash.fact.in-code": "dans le code",
  "dash.fact.none": "aucun",
  "dash.fact.queued": "En file",
  "dash.fact.nothing": "rien",
  "dash.fact.queued-register": "{description} (caisse {register})",
  "dash.fact.held": "En attente",
  "dash.fact.interactive": "Interactif",
  "dash.fact.interactive-value": "une personne au clavier décide aussi",
  "dash.fact.time-scale": "Échelle de temps",
  "dash.fact.version": "Version",
  "dash.journal": "Journal",
  "dash.newest-first": "le plus récent en haut",
  "dash.clear": "Vider",
  "dash.col.details": "Détails",
  "dash.col.time": "Heure",
  "dash.col.register": "Caisse",
  "dash.col.action": "Opération",
  "dash.col.amount": "Montant",
  "dash.col.result": "Résultat",
  "dash.col.decided-by": "Décidé par",
  "dash.col.state": "État",
  "dash.empty": "Aucune transaction pour l'instant.",
  "dash.show-frames": "Afficher les trames de la transaction {id}",
  "dash.cheque": "{action} (chèque)",
  "dash.pending": "réponse en attente",
  "dash.request": "Demande",
  "dash.answer": "Réponse",
  "dash.decision": "Décision : {outcome}, {reason}",
  "dash.from": "De {peer}, connexion {connection} ; réponse après {ms} ms",
  "dash.finding": "{level} : {message}",
  "dash.error": "Erreur : {message}",
  "dash.result.approved": "accepté",
  "dash.result.acknowledged": "demande prise en compte (AE=11)",
  "dash.result.not-done": "non effectué (AE={status})",
  "dash.result.declined": "{reason} (AF={code})",
  "dash.result.none": "absent",
  "dash.by.rule": "une règle",
  "dash.by.queue": "issue en file",
  "dash.by.operator": "opérateur",
  "dash.by.settings": "réglages",
  "dash.by.protocol": "protocole",
  "dash.by.rule-ref": "règle {position}",
  "dash.by.magic-ref": "règle de montant magique {position}",
  "dash.by.note": "{by} ({note})",
  "dash.state.pending": "en cours",
  "dash.state.answered": "répondu",
  "dash.state.abandoned": "abandonné",
  "dash.state.failed": "en échec",
  "dash.state.faulted": "en panne",
  "dash.outcome.approved": "accepté",
  "dash.outcome.declined": "refusé",
  "dash.outcome.rejected": "rejeté",
  "dash.outcome.acknowledged": "pris en compte",

  // --- The dashboard: the diagnosis panels (Findings, Campaign) ---
  "diag.findings": "Constats",
  "diag.findings-subtitle": "ce que la caisse fait mal, le plus grave d'abord",
  "diag.no-finding":
    "Aucun constat pour l'instant : la caisse n'a rien fait de mal que le terminal puisse voir.",
  "diag.pos": "Caisse {address} · n° {register}",
  "diag.seen-once": "vu une fois",
  "diag.seen-times": "vu {count} fois",
  "diag.evidence": "Ce qui a été vu",
  "diag.advice": "Comment corriger",
  "diag.severity.money": "argent",
  "diag.severity.failure": "échec",
  "diag.severity.warning": "avertissement",
  "diag.severity.info": "info",
  "diag.campaign": "Campagne",
  "diag.campaign-of": "{name}, {total} cas",
  "diag.case-now": "Cas {position} sur {total} : {name}",
  "diag.case-next": "à jouer",
  "diag.case-in-progress": "en cours",
  "diag.over": "La campagne est terminée : chaque caisse a joué chaque cas.",
  "diag.restart": "Relancer la campagne",
  "diag.restarted": "Campagne relancée depuis son premier cas",
  "diag.cases-done": "Cas joués",
  "diag.no-case-done": "Aucun cas joué pour l'instant.",
  "diag.register": "{address} · caisse {register}",
  "diag.result": "{outcome}, {state}",
  "diag.nothing-seen": "rien vu",
  "diag.report": "Rapport :",
  "diag.state.pending": "en cours",
  "diag.state.answered": "répondu",
  "diag.state.client-gone": "caisse partie",
  "diag.state.cancelled": "annulé",
  "diag.state.failed": "en échec",
  "diag.state.dropped": "réponse perdue (panne)",

  // --- The standard campaign's cases (lib/diagnosis/campaign.ts): name, instruction, outcome ---
  "campaign.approval.title": "paiement accepté",
  "campaign.approval.instruction":
    "Payez maintenant un montant quelconque sur la caisse (pour chaque cas, prenez un montant pas encore utilisé dans cette campagne : le diagnostic reconnaît un paiement envoyé à nouveau à sa caisse, son montant et sa devise). Le paiement est accepté : vérifiez que la caisse affiche le numéro d'autorisation et la carte.",
  "campaign.approval.outcome": "accepté",
  "campaign.refused.title": "carte refusée",
  "campaign.refused.instruction":
    "Payez un nouveau montant : la carte est refusée (AF=04). Vérifiez que la caisse dit « refusé » ; payer à nouveau est permis.",
  "campaign.refused.outcome": "refusé, AF=04",
  "campaign.forbidden.title": "opération interdite",
  "campaign.forbidden.instruction":
    "Payez un nouveau montant : la carte est interdite (AF=05). Vérifiez que la caisse le dit.",
  "campaign.forbidden.outcome": "interdit, AF=05",
  "campaign.phone-call.title": "appel phonie",
  "campaign.phone-call.instruction":
    "Payez un nouveau montant : le terminal demande un appel à la banque (AF=02). Vérifiez que la caisse dit que le paiement n'est pas effectué.",
  "campaign.phone-call.outcome": "appel phonie demandé, AF=02",
  "campaign.cardholder-abandon.title": "abandon du porteur",
  "campaign.cardholder-abandon.instruction":
    "Payez un nouveau montant : le porteur abandonne (AF=06). Vérifiez que la caisse dit que le paiement n'est pas effectué.",
  "campaign.cardholder-abandon.outcome": "abandon du porteur, AF=06",
  "campaign.cheque.title": "chèque",
  "campaign.cheque.instruction":
    "Payez un nouveau montant par chèque si la caisse le propose (CC=00C), par carte sinon : il est accepté.",
  "campaign.cheque.outcome": "accepté",
  "campaign.partial-approval.title": "acceptation partielle",
  "campaign.partial-approval.instruction":
    "Payez un nouveau montant d'au moins 1.00 : le terminal n'en accepte que la moitié. Une caisse soigneuse demande le reste (payez-le comme cas suivant) ou annule le paiement.",
  "campaign.partial-approval.outcome": "accepté, partiellement : 50 %",
  "campaign.terminal-timeout.title": "délai du terminal dépassé",
  "campaign.terminal-timeout.instruction":
    "Payez un nouveau montant et attendez : le porteur ne termine jamais, et le terminal abandonne au bout de son délai de saisie (2 minutes, multipliées par --time-scale, AF=08). La caisse doit l'attendre.",
  "campaign.terminal-timeout.outcome": "délai de saisie dépassé, AF=08",
  "campaign.operator-abandon.title": "abandon de l'opérateur",
  "campaign.operator-abandon.instruction":
    "Payez un nouveau montant : l'opérateur abandonne sur le terminal (AF=11). Vérifiez que la caisse dit que le paiement n'est pas effectué.",
  "campaign.operator-abandon.outcome": "abandon de l'opérateur, AF=11",
  "campaign.busy.title": "terminal occupé",
  "campaign.busy.instruction":
    "Payez un nouveau montant : le terminal répond aussitôt qu'il est occupé par une autre vente (AF=07). Vérifiez que la caisse le dit ; payer à nouveau le même montant est permis.",
  "campaign.busy.outcome": "accepté, panne busy",
  "campaign.refuse-connections.title": "connexions refusées",
  "campaign.refuse-connections.instruction":
    "Payez un nouveau montant : il est accepté, puis le terminal refuse les connexions pendant 5 s. Lancez aussitôt le cas suivant : la caisse doit dire que le terminal est injoignable, et fonctionner quand il revient.",
  "campaign.refuse-connections.outcome": "accepté, panne refuse-connections (pendant 5 s)",
  "campaign.split-answer.title": "réponse en deux morceaux",
  "campaign.split-answer.instruction":
    "Payez un nouveau montant : l'acceptation arrive en deux morceaux, à une demi-seconde d'écart. Vérifiez que la caisse affiche le numéro d'autorisation et la carte, pas un échec.",
  "campaign.split-answer.outcome": "accepté, panne split-answer (2 morceaux, à 0,5 s d'écart)",
  "campaign.slow-answer.title": "réponse lente",
  "campaign.slow-answer.instruction":
    "Payez un nouveau montant : l'acceptation arrive 4 octets toutes les 0,1 s. Vérifiez que la caisse affiche le numéro d'autorisation et la carte.",
  "campaign.slow-answer.outcome": "accepté, panne slow-answer (4 octets toutes les 0,1 s)",
  "campaign.garbage-answer.title": "réponse illisible",
  "campaign.garbage-answer.instruction":
    "Payez un nouveau montant : le terminal accepte, et la caisse reçoit des octets qui ne sont pas une réponse. La réponse n'atteindra pas la caisse. Faites ce que la caisse dit au caissier : si elle invite à reprendre le paiement, faites-le avec le même montant, comme le ferait un caissier ; si elle dit que l'issue est inconnue et qu'il faut vérifier le terminal, passez au cas suivant.",
  "campaign.garbage-answer.outcome": "accepté, panne garbage-answer (32 octets)",
  "campaign.truncated-answer.title": "réponse tronquée",
  "campaign.truncated-answer.instruction":
    "Payez un nouveau montant : le terminal accepte, et la réponse est coupée. La réponse n'atteindra pas la caisse. Faites ce que la caisse dit au caissier : si elle invite à reprendre le paiement, faites-le avec le même montant, comme le ferait un caissier ; si elle dit que l'issue est inconnue et qu'il faut vérifier le terminal, passez au cas suivant.",
  "campaign.truncated-answer.outcome": "accepté, panne truncated-answer (dans AE)",
  "campaign.approve-then-drop.title": "acceptation perdue",
  "campaign.approve-then-drop.instruction":
    "Payez un nouveau montant : le terminal accepte et ferme la connexion sans la réponse. La réponse n'atteindra pas la caisse. Faites ce que la caisse dit au caissier : si elle invite à reprendre le paiement, faites-le avec le même montant, comme le ferait un caissier ; si elle dit que l'issue est inconnue et qu'il faut vérifier le terminal, passez au cas suivant.",
  "campaign.approve-then-drop.outcome": "accepté, panne approve-then-drop",
  "campaign.no-answer.title": "pas de réponse",
  "campaign.no-answer.instruction":
    "Payez un nouveau montant : le terminal ne répond jamais et garde la connexion ouverte. Attendez que la caisse abandonne (une caisse soigneuse le fait dans le délai de saisie plus une minute). La réponse n'atteindra pas la caisse. Faites ce que la caisse dit au caissier : si elle invite à reprendre le paiement, faites-le avec le même montant, comme le ferait un caissier ; si elle dit que l'issue est inconnue et qu'il faut vérifier le terminal, passez au cas suivant.",
  "campaign.no-answer.outcome": "accepté, panne no-answer",
  "campaign.close.title": "connexion fermée",
  "campaign.close.instruction":
    "Payez un nouveau montant : le terminal ferme la connexion dès qu'il a lu la demande. La réponse n'atteindra pas la caisse. Faites ce que la caisse dit au caissier : si elle invite à reprendre le paiement, faites-le avec le même montant, comme le ferait un caissier ; si elle dit que l'issue est inconnue et qu'il faut vérifier le terminal, passez au cas suivant.",
  "campaign.close.outcome": "accepté, panne close-before-answer",
  "campaign.reset.title": "connexion coupée",
  "campaign.reset.instruction":
    "Payez un nouveau montant : le terminal coupe la connexion dès qu'il a lu la demande. La réponse n'atteindra pas la caisse. Faites ce que la caisse dit au caissier : si elle invite à reprendre le paiement, faites-le avec le même montant, comme le ferait un caissier ; si elle dit que l'issue est inconnue et qu'il faut vérifier le terminal, passez au cas suivant.",
  "campaign.reset.outcome": "accepté, panne reset",
  "campaign.approval-after-faults.title": "paiement accepté après les pannes",
  "campaign.approval-after-faults.instruction":
    "Payez un nouveau montant : il est accepté. La caisse doit fonctionner normalement après les pannes.",
  "campaign.approval-after-faults.outcome": "accepté",

  // --- The diagnosis reports (HTML and Markdown) ---
  "report.title": "caisse-ap : diagnostic de la caisse",
  "report.heading": "Diagnostic de la caisse",
  "report.from": "du {at}",
  "report.to": "au {at}",
  "report.ended.over": "la campagne est terminée",
  "report.ended.timeout": "la campagne a dépassé son délai",
  "report.ended.stopped": "arrêté",
  "report.summary": "Résumé",
  "report.findings": "Constats",
  "report.no-finding": "Aucun constat.",
  "report.no-finding-no-pos": "Aucun constat : aucune caisse n'a été vue.",
  "report.count-one": "{count} constat sur {pos} caisse(s) : {severities}.",
  "report.count-many": "{count} constats sur {pos} caisse(s) : {severities}.",
  "report.md-count-one": "**{count} constat** sur {pos} caisse(s) : {severities}.",
  "report.md-count-many": "**{count} constats** sur {pos} caisse(s) : {severities}.",
  "report.campaign-line-one":
    "Campagne {name} : {total} cas, {done} faits sur {registers} caisse, {over}.",
  "report.col.severity": "Gravité",
  "report.col.code": "Code",
  "report.col.pos": "Caisse",
  "report.col.count": "Nombre",
  "report.col.title": "Titre",
  "report.col.when": "Quand",
  "report.col.transaction": "Transaction",
  "report.col.seen": "Ce qui a été vu",
  "report.col.bytes": "Octets",
  "report.col.case": "Cas",
  "report.col.terminal-does": "Ce que fait le terminal",
  "report.col.to-do": "Ce qu'il faut faire",
  "report.col.meaning": "Signification",
  "report.campaign": "Campagne",
  "report.campaign-line":
    "Campagne {name} : {total} cas, {done} faits sur {registers} caisse(s), {over}.",
  "report.campaign-md": "Campagne {name} : {total} cas, {done} faits, {over}.",
  "report.over": "terminée",
  "report.not-over": "pas terminée",
  "report.never-reached": "Jamais atteints : {cases}.",
  "report.never-reached-by": "Jamais atteints par {pos} : {cases}.",
  "report.pos": "Caisse {address} n° {register}",
  "report.seen-one": "{label}, {pos}, vu {count} fois : première {first}, dernière {last}",
  "report.seen-many": "{label}, {pos}, vu {count} fois : première {first}, dernière {last}",
  "report.fix": "Correction :",
  "report.connection": "(connexion {id})",
  "report.not-reached": "pas atteint",
  "report.in-progress": "en cours",
  "report.no-finding-case": "aucun constat",
  "report.codes": "Codes",
  "report.settings": "Réglages",
  "report.what-to-fix": "Ce qu'il faut corriger",
  "report.fix-item": "**{label}** ({severity}, {pos}) : {advice} Première fois {first}.",
  "report.severity.money": "argent",
  "report.severity.failure": "échec",
  "report.severity.warning": "avertissement",
  "report.severity.info": "info",
};

/** The French messages, by key (with French typography's non-breaking spaces). */
export const FR: Readonly<Record<MessageKey, string>> = Object.freeze(
  Object.fromEntries(
    Object.entries(MESSAGES).map(([key, text]) => [key, frenchSpacing(text)]),
  ) as Record<MessageKey, string>,
);

/** CD, the action, in French (the codes of `ACTIONS` in `../tags.ts`). */
export const FR_ACTIONS: Readonly<Record<string, string>> = {
  "0": "débit",
  "1": "crédit (remboursement)",
  "2": "annulation",
  "3": "duplicata du ticket",
  "I": "identification",
  "P": "impression",
  "T": "état de la transaction",
};

/** CC, the application, in French (the codes of `APPLICATIONS`). */
export const FR_APPLICATIONS: Readonly<Record<string, string>> = {
  "000": "indifférente",
  "001": "CB contact",
  "002": "Amex contact",
  "003": "CB Enseigne",
  "005": "Cofinoga",
  "006": "Diners",
  "007": "CB-Pass",
  "008": "Franfinance",
  "009": "JCB",
  "00A": "Banque Accord",
  "00B": "CB sans contact",
  "00C": "chèque",
  "00D": "Amex sans contact",
  "00E": "CONECS (titres-restaurant)",
  "00G": "QuickPass",
  "00I": "CPEI",
  "00U": "UnionPay",
  "00V": "ANCV",
};

/** AE, the action status, in French (the codes of `STATUSES`). */
export const FR_STATUSES: Readonly<Record<string, string>> = {
  "10": "effectué",
  "01": "non effectué",
  "11": "demande prise en compte",
};

/** AF, the status complement, in French (the codes of `COMPLEMENTS`). */
export const FR_COMPLEMENTS: Readonly<Record<string, string>> = {
  "00": "inconnu",
  "01": "autorisé",
  "02": "appel phonie",
  "03": "forcé",
  "04": "refusé",
  "05": "interdit",
  "06": "abandon du porteur",
  "07": "non abouti",
  "08": "délai de saisie dépassé",
  "09": "format de message incorrect",
  "10": "erreur de sélection",
  "11": "abandon de l'opérateur",
  "12": "type d'opération inconnu",
  "13": "devise non gérée",
};

/** CI, how the card was read, in French (the codes of `READ_MODES`). */
export const FR_READ_MODES: Readonly<Record<string, string>> = {
  "0": "indifférent",
  "1": "carte à puce (contact)",
  "2": "sans contact",
  "3": "piste magnétique",
  "4": "saisie manuelle",
};

/** The names of the tags in French (the tags of `TAGS` in `../tags.ts`). */
export const FR_TAG_NAMES: Readonly<Record<string, string>> = {
  "CZ": "version du protocole",
  "CJ": "identifiant protocole de la caisse",
  "CA": "numéro de caisse",
  "CB": "montant",
  "CC": "application de paiement",
  "CD": "type d'opération",
  "CE": "devise",
  "BA": "mode de réponse",
  "BB": "autorisation en ligne forcée",
  "BF": "paiement partiel autorisé",
  "BH": "téléphone du client",
  "BI": "e-mail du client",
  "CF": "données privées",
  "CH": "référence externe de la transaction",
  "CK": "gestion du ticket",
  "AE": "statut de l'opération",
  "AF": "complément de statut",
  "AA": "numéro de carte (masqué)",
  "AB": "fin de validité de la carte (AAMM)",
  "AC": "numéro d'autorisation",
  "AI": "identifiant d'application de la carte (AID)",
  "CG": "numéro de contrat commerçant",
  "CI": "mode de lecture de la carte",
  "AL": "type de PAN",
  "ZT": "ticket",
  "AK": "texte du ticket (base64)",
};

/** The other coded values in French, by tag (the `values` of BA, BB, BF, CK, AL in `TAGS`). */
export const FR_OTHER_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  BA: { "0": "réponse en fin de transaction", "1": "réponse immédiate" },
  BB: { "0": "non", "1": "oui" },
  BF: { "0": "non", "1": "oui" },
  CK: { "000": "pas de ticket renvoyé", "100": "ticket renvoyé dans ZT" },
  AL: { "1": "PAN partiel" },
};
