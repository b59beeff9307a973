"""Generic widgets every ledger builds on (DESIGN §2): the list page (``list_page``), its filter bar
(``filter_bar``) and the period picker (``period_picker``). Import the modules themselves; this
package imports nothing so that none of them drags the others in."""
