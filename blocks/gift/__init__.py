"""Moodle's GIFT format, on its own: its grammar (`grammar.lark`), reading a file into questions
(`syntax`), the questions as values (`values`), their texts' formats (`text`) and writing them
back (`writing`). It knows none of our question types: each type's module in `blocks.qtypes`
says how it maps to GIFT, and `blocks.gift_import` / `blocks.gift_export` do the file-level work.
"""
