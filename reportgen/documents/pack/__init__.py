"""The monthly review pack's view-model (SPEC, "Outputs"): one per region, and one across regions.

:func:`~reportgen.documents.pack.view.pack_view` turns the month's analysis into the plain data
``templates/pack.html`` renders, built by section modules. Imports run one way:
``words`` and ``values`` (shared helpers) <- ``context`` (the region's slice of the analysis) <-
``series`` (the monthly sales and targets) and ``clients`` (the client lists' columns and order)
<- the section modules <- ``view``. A section reads the context, not another section (only the
summary reads the others, through the view). A new section is a new module with a
``*_section(ctx)`` function and one line in ``pack_view``.

May import: ``reportgen.inputs``, ``reportgen.analysis``, ``reportgen.documents.charts`` and
``reportgen.documents.fmt``, ``reportgen.i18n``.
"""
