"""Stage 5, delivery: e-mailing the packs a run made, and watching the inputs folder.

Owns composing the messages, the SMTP transport, the ledger of what was sent, and the
watcher that notices settled changes to the inputs.

May import: every earlier stage (inputs, analysis, outputs, documents), ``reportgen.errors``,
``reportgen.i18n``.
"""
