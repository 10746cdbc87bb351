from guardrails.dose_attribution import DoseVocabulary, find_amounts
from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import doses


def test_an_amount_belongs_to_the_drug_before_it(rules: RuleBook) -> None:
    text = "Give T-DXd 5.4 mg/kg and pertuzumab 420 mg."
    assert [(m.drug, m.amount) for m in doses(rules, text)] == [
        ("trastuzumab-deruxtecan", 5.4),
        ("pertuzumab", 420.0),
    ]


def test_the_subject_of_with_partner_is_given_at_gets_the_amount(rules: RuleBook) -> None:
    [mention] = doses(rules, "Lapatinib with capecitabine is given at 1,250 mg once daily.")
    assert (mention.drug, mention.amount, mention.schedule) == ("lapatinib", 1250.0, "once daily")


def test_product_parts_are_one_compound_dose_of_the_product(rules: RuleBook) -> None:
    text = (
        "Phesgo is given as 1,200 mg pertuzumab, 600 mg trastuzumab and 30,000 units hyaluronidase."
    )
    [mention] = doses(rules, text)
    assert mention.drug == "pertuzumab-trastuzumab-hyaluronidase"
    assert mention.amounts == (1200.0, 600.0, 30000.0)
    assert mention.units == ("mg", "mg", "units")


def test_an_unknown_drug_word_keeps_its_amount(rules: RuleBook) -> None:
    [mention] = doses(rules, "Give dexamethasone 16 mg daily with T-DXd.")
    assert (mention.drug, mention.drug_text, mention.amount) == (None, "dexamethasone", 16.0)


def test_a_computed_total_belongs_to_the_drug_and_keeps_its_basis(rules: RuleBook) -> None:
    text = "Capecitabine 1,000 mg/m2 twice daily; for a BSA of 1.8 m2 this comes to 1,800 mg."
    total = doses(rules, text)[-1]
    assert (total.drug, total.amount, total.unit, total.basis) == (
        "capecitabine",
        1800.0,
        "mg",
        1000.0,
    )


def test_compound_amounts_joined_by_slashes(rules: RuleBook) -> None:
    text = "Phesgo 1,200 mg/600 mg/30,000 units subcutaneously as a loading dose."
    [mention] = doses(rules, text)
    assert mention.amounts == (1200.0, 600.0, 30000.0)
    assert (mention.route, mention.phase) == ("sc", "loading")


def test_a_range_keeps_its_low_end(rules: RuleBook) -> None:
    [mention] = doses(rules, "Docetaxel 75-100 mg/m2 every 3 weeks.")
    assert (mention.low, mention.amount) == (75.0, 100.0)


def test_tablet_strengths_are_not_doses(rules: RuleBook) -> None:
    mentions = doses(rules, "Tucatinib 300 mg (two 150 mg tablets) twice daily.")
    assert [m.amount for m in mentions] == [300.0]


def test_amounts_joined_by_slashes_are_one_compound_amount() -> None:
    [amount] = find_amounts("1,200 mg/600 mg/30,000 units")
    assert (amount.values, amount.units) == ((1200.0, 600.0, 30000.0), ("mg", "mg", "units"))


def test_a_total_in_mg_is_dosable_for_a_drug_dosed_per_kg() -> None:
    vocabulary = DoseVocabulary(units={"drug-a": frozenset({"mg/kg"})})
    assert vocabulary.dosable("drug-a", "mg")
    assert not vocabulary.dosable("drug-a", "units")


def test_an_amount_after_a_colon_belongs_to_the_subject_of_with_partner(rules: RuleBook) -> None:
    text = "Start loperamide with the first dose of neratinib: 4 mg three times daily."
    [mention] = doses(rules, text)
    assert (mention.drug, mention.amount) == ("loperamide", 4.0)
