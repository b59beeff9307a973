from app.domain.privacy import mask_account, mask_id, mask_id_tail


def test_id_mask_keeps_region_and_last_four():
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("110105491231002") == "110105*****1002"      # 15-digit first generation
    assert mask_id("12345") == "*2345" and mask_id(None) == "" and mask_id("") == ""


def test_id_tail_shows_only_the_last_four():
    assert mask_id_tail("11010519491231002X") == "****002X"
    assert mask_id_tail(None) == "" and mask_id_tail("") == ""


def test_account_mask_keeps_first_and_last_four_and_ignores_spaces():
    assert mask_account("6222 0212 3456 7890 123") == "6222 **** **** 0123"
    assert mask_account("62220212") == "****0212"
    assert mask_account(None) == ""
