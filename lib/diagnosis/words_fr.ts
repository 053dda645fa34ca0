/**
 * The words of the findings, in French: the same codes and kinds as the English
 * catalogue (`words_en.ts`), each a function of the same facts. Facts that are already
 * words (a conformance message, a count of pieces) come from the detectors in English
 * and are quoted as they are.
 *
 * @module
 */

import { frenchSpacing } from "../i18n/fr.ts";
import type { Catalogue, Facts, FindingWords } from "./words_en.ts";

const s = (value: string | number | undefined) => String(value ?? "?");

/** French typography (non-breaking spaces before « : ; ! ? ») on every text of the words. */
function typeset(words: Readonly<Record<string, FindingWords>>): Record<string, FindingWords> {
  return Object.fromEntries(
    Object.entries(words).map(([key, w]) => [key, {
      title: (f: Facts) => frenchSpacing(w.title(f)),
      explanation: (f: Facts) => frenchSpacing(w.explanation(f)),
      advice: (f: Facts) => frenchSpacing(w.advice(f)),
    }]),
  );
}

/** The French catalogue. */
export const FRENCH: Catalogue = {
  language: "fr",
  codes: typeset({
    "reads-once": {
      title: () => "La caisse lit la réponse une seule fois et en perd la suite",
      explanation: (f) =>
        `${
          f.how === "next-request"
            ? "La caisse a envoyé sa demande suivante"
            : f.how === "write-failed"
            ? "La caisse était partie"
            : "La caisse a fermé la connexion"
        } pendant l'envoi de la réponse${
          f.pieces ? ` (${f.pieces})` : ""
        }. Une réponse peut arriver en plusieurs segments TCP, comme les terminaux réels l'envoient : une caisse qui ne lit qu'une fois n'analyse que le début, et peut annoncer un paiement accepté sans son numéro d'autorisation ni les données de la carte, ou comme échoué.`,
      advice: () =>
        "Lire jusqu'à ce que le message soit entier : enregistrements réassemblés d'une lecture à l'autre, tampon finissant sur une fin d'enregistrement avec tous ceux d'une réponse (CZ, AE...), puis un court silence (300 ms chez les clients connus) ; alors seulement fermer.",
    },
    "gives-up-early": {
      title: (f) => `La caisse abandonne au bout de ${s(f.after)}, avant le terminal`,
      explanation: (f) =>
        `La caisse a fermé la connexion ${
          s(f.after)
        } après sa demande, pendant que le porteur payait encore : le délai de saisie du terminal est de ${
          s(f.inputTimeout)
        }. Sur un terminal réel le paiement continue et peut être accepté alors que la caisse annonce un échec : le caissier encaisse une seconde fois.`,
      advice: (f) =>
        `Attendre la réponse au moins aussi longtemps que le délai de saisie du terminal plus une marge (${
          s(f.inputTimeout)
        } + 60 s ici ; les clients connus attendent 180 s), et ne pas fermer la connexion pendant un paiement.`,
    },
    "no-answer-timeout": {
      title: () => "La caisse attend indéfiniment quand le terminal ne répond pas",
      explanation: (f) =>
        `Le terminal a lu la demande et n'a jamais répondu : la connexion était encore ouverte après ${
          s(f.open)
        } (limite ${
          s(f.limit)
        }). Une caisse sans délai de réponse bloque l'encaissement quand un terminal se fige ou que le réseau tombe sans prévenir.`,
      advice: () =>
        "Mettre un délai sur la réponse (le délai de saisie du terminal plus une marge, par exemple 180 s), puis fermer la connexion et dire au caissier que l'issue est inconnue : vérifier le terminal avant d'encaisser à nouveau.",
    },
    "resends-after-unknown": {
      title: () =>
        "La caisse renvoie le même paiement après une issue qu'elle ne pouvait pas connaître",
      explanation: (f) =>
        `La transaction n° ${
          s(f.previous)
        } s'est terminée sans que sa réponse atteigne la caisse (${
          s(f.what)
        }) ; le même paiement (même caisse, montant, devise et opération) est revenu ${
          s(f.after)
        } plus tard. Le terminal a pu accepter le premier : le porteur est débité deux fois.`,
      advice: () =>
        "Après une réponse perdue (connexion fermée ou coupée, octets illisibles, délai dépassé), ne pas relancer le paiement automatiquement ni inviter le caissier à le faire : dire que l'issue est inconnue, faire vérifier la dernière transaction du terminal (ou son ticket), et ne proposer une annulation ou un nouveau paiement qu'une fois l'issue connue.",
    },
    "duplicate-after-approval": {
      title: () => "La caisse renvoie un paiement accepté (double envoi)",
      explanation: (f) =>
        `La transaction n° ${
          s(f.previous)
        } a été acceptée et sa réponse remise ; le même paiement est revenu ${
          s(f.after)
        } plus tard (fenêtre de ${s(f.window)}) : le porteur est débité deux fois.`,
      advice: () =>
        "Désactiver le bouton de paiement pendant un paiement et après son acceptation ; lier chaque paiement à la vente et refuser un second paiement pour une vente déjà payée.",
    },
    "request-nonconformant": {
      title: (f) => `La demande n'est pas conforme : « ${s(f.message)} »`,
      explanation: (f) => `« ${s(f.message)} ».`,
      advice: () => "Construire la demande comme le disent les §2-3 de PROTOCOL.md.",
    },
    "overlapping-requests": {
      title: () => "La caisse envoie une demande pendant qu'une autre est en cours",
      explanation: (f) =>
        `Une demande est venue de la même caisse pendant que la transaction n° ${
          s(f.previous)
        } était encore en cours. Un terminal réel sert une vente à la fois : la seconde demande est refusée ou perdue, et les deux réponses peuvent être confondues.`,
      advice: () =>
        "Envoyer une seule demande à la fois par terminal : attendre la réponse (ou son délai, puis fermer) avant la suivante ; désactiver le bouton de paiement entre-temps.",
    },
    "ignores-partial-approval": {
      title: () => "La caisse ignore une acceptation partielle",
      explanation: (f) =>
        `La transaction n° ${s(f.previous)} a été acceptée pour ${s(f.approved)} des ${
          s(f.asked)
        } unités mineures demandées (CB de la réponse plus bas) ; la demande suivante de la caisse n'était ni pour le reste de ${
          s(f.remaining)
        } ni une annulation. La vente est close comme payée : le commerçant perd le reste.`,
      advice: () =>
        "Comparer le CB de la réponse au montant demandé (sans tenir compte des zéros de tête) ; s'il est plus bas, demander le reste (un autre paiement) ou annuler le paiement.",
    },
  }),
  kinds: typeset({
    "serial-framing": {
      title: () => "La demande est encadrée par STX ... ETX + LRC",
      explanation: () =>
        "Les enregistrements sont encadrés comme sur la liaison série (STX, ETX et un octet LRC). Caisse-AP sur IP envoie les enregistrements seuls : le terminal lit STX comme une étiquette et répond AE=01 AF=09, ou rien.",
      advice: () => "Envoyer les enregistrements seuls sur TCP : ni STX, ni ETX, ni LRC.",
    },
    "bytes-after-answer": {
      title: () => "La caisse envoie des octets après la réponse (ACK/EOT)",
      explanation: (f) =>
        `Après avoir lu la réponse, la caisse a envoyé ${
          f.bytes ? `« ${f.bytes} »` : "des octets de contrôle"
        } : la poignée de main de la liaison série, que Caisse-AP sur IP n'utilise pas. Un terminal qui garde la connexion ouverte les lit comme le début d'une demande mal formée.`,
      advice: () => "Ne rien envoyer après avoir lu la réponse : fermer la connexion.",
    },
    "line-terminator": {
      title: () => "La demande se termine par CR/LF",
      explanation: () =>
        "Une fin de ligne suit les enregistrements ; Caisse-AP n'en a pas. Le terminal lit ces octets comme un enregistrement et rejette la demande.",
      advice: () => "Envoyer les enregistrements sans CR/LF.",
    },
    "bf-sent": {
      title: () => "La caisse envoie BF (paiement partiel autorisé)",
      explanation: () =>
        "BF est envoyé avec la demande : les logiciels Ingenico récents échouent dessus (2025).",
      advice: () => "Ne jamais envoyer BF.",
    },
    "unknown-tag": {
      title: (f) => `La caisse envoie des étiquettes que Caisse-AP ne définit pas (${s(f.tags)})`,
      explanation: (f) =>
        `La demande porte ${
          s(f.tags)
        }. Les terminaux devraient ignorer les étiquettes inconnues et les renvoyer, mais une étiquette inconnue peut aussi être une étiquette mal écrite que le terminal ne lit jamais.`,
      advice: () => "N'envoyer que les étiquettes du §3 de PROTOCOL.md.",
    },
    "terminal-tag": {
      title: (f) => `La caisse envoie une étiquette que seul le terminal envoie (${s(f.tag)})`,
      explanation: (f) => `« ${s(f.message)} » : un terminal peut rejeter la demande.`,
      advice: (f) => `Ne pas envoyer ${s(f.tag)}.`,
    },
    "amount-zero-padded": {
      title: () => "Le montant (CB) est complété par des zéros",
      explanation: (f) =>
        `« ${
          s(f.message)
        } ». CB prend de 2 à 12 chiffres et les terminaux acceptent les zéros de tête en test, mais les clients connus envoient le montant sans remplissage.`,
      advice: () => "Envoyer CB sans zéros de tête (au moins 2 chiffres : 05 pour 0,05 EUR).",
    },
    "amount-with-identification": {
      title: () => "La caisse envoie CB avec une identification (CD=I)",
      explanation: () => "Une identification ne porte pas de montant.",
      advice: () => "Ne pas mettre CB dans les demandes d'identification.",
    },
    "malformed-frame": {
      title: () => "La demande n'est pas une suite d'enregistrements Caisse-AP",
      explanation: (f) =>
        `« ${s(f.message)} ». Le terminal ne peut pas la lire et répond AE=01 AF=09.`,
      advice: () =>
        "Écrire chaque enregistrement sous la forme ÉTIQUETTE (2 majuscules), LONGUEUR (exactement 3 chiffres) et LONGUEUR caractères de valeur, CZ en premier, chaque étiquette une fois.",
    },
    "missing": {
      title: (f) => `La caisse omet ${s(f.tag)}`,
      explanation: (f) =>
        `« ${s(f.message)} » : le terminal répond AE=01 AF=09 (format de message incorrect).`,
      advice: (f) =>
        f.tag === "CJ"
          ? "Envoyer CJ, l'identifiant protocole de la caisse, 12 chiffres (012345678901 est accepté par les terminaux réels)."
          : `Envoyer ${s(f.tag)} avec chaque demande.`,
    },
    "format": {
      title: (f) => `${s(f.tag)} n'a pas le bon format`,
      explanation: (f) =>
        f.tag === "CB"
          ? `« ${
            s(f.message)
          } » : un montant de moins de 0,10 EUR envoyé sur un chiffre (CB0015 pour 0,05 EUR) est rejeté.`
          : `« ${s(f.message)} ».`,
      advice: (f) =>
        f.tag === "CB"
          ? "Compléter le montant par des zéros jusqu'à 2 chiffres au moins après l'avoir calculé (05 pour 0,05 EUR), 12 au plus."
          : f.tag === "CJ"
          ? "Envoyer les 12 chiffres de CJ comme valeur (le bogue classique écrit la longueur, CJ003012)."
          : `Envoyer ${s(f.tag)} au format que donne le §3 de PROTOCOL.md.`,
    },
    "unknown-value": {
      title: (f) => `${s(f.tag)} a une valeur que le protocole ne connaît pas`,
      explanation: (f) => `« ${s(f.message)} » : un terminal peut refuser la demande.`,
      advice: (f) => `Envoyer l'une des valeurs de ${s(f.tag)} listées au §3 de PROTOCOL.md.`,
    },
  }),
};

/** What each finding code means, in French (the `summary` of `FINDING_CODES`). */
export const FRENCH_CODE_SUMMARIES: Readonly<Record<string, string>> = Object.freeze({
  "reads-once": "la caisse cesse de lire la réponse après son premier morceau",
  "gives-up-early": "la caisse ferme pendant que le porteur paie encore",
  "no-answer-timeout": "la caisse attend indéfiniment une réponse qui ne vient pas",
  "resends-after-unknown":
    "le même paiement à nouveau après une issue que la caisse ne pouvait pas connaître",
  "ignores-partial-approval":
    "après une acceptation partielle, la caisse ne demande ni le reste ni une annulation",
  "duplicate-after-approval":
    "le même paiement à nouveau juste après son acceptation (double envoi) ; une demande dont le CF diffère de celui de la première est une autre vente",
  "request-nonconformant": "la demande n'est pas conforme (un constat par sorte de problème)",
  "overlapping-requests": "une demande pendant qu'une autre de la même caisse est en cours",
});
