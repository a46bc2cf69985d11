"""SVG charts carry a title, a description, patterns and written figures."""

from xml.etree import ElementTree

from tracker.common.charts import Series, brag_series, paired_bar_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_stacked_brag_chart_is_labelled_and_patterned():
    counts = {"Contact Management": {"red": 2, "green": 5}, "Investigations": {"amber": 1, "blue": 3}}
    svg = stacked_bar_chart(
        "Actions by department", "BRAG by department", list(counts), brag_series(counts, list(counts))
    )
    root = ElementTree.fromstring(str(svg))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Actions by department"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Contact Management", "Investigations", "Red", "Amber", "Green", "Blue", "7", "4"} <= set(texts)
    assert len(root.findall(f"{SVG}defs/{SVG}pattern")) == 4


def test_paired_chart_says_when_there_is_no_data():
    svg = paired_bar_chart(
        "Compliance against victims' voice",
        "Two measures per right",
        ["Right 1", "Right 2"],
        Series("Self-assessed", "#1d70b8", "solid", [90, None]),
        Series("Victims' voice", "#ffbf47", "dots", [60, 55]),
    )
    assert "Self-assessed: no data" in svg and "60%" in svg and "<script" not in svg


def test_each_series_is_one_patterned_shape_with_a_title_per_segment_on_screen():
    counts = {"Right 1": {"red": 2, "green": 5}, "Right 2": {"red": 1, "blue": 3}, "Right 3": {"red": 4}}
    categories = list(counts)
    on_screen = ElementTree.fromstring(
        str(stacked_bar_chart("Rights", "BRAG", categories, brag_series(counts, categories)))
    )
    shapes = {
        path.get("fill"): path.get("d") for path in on_screen.iter(f"{SVG}path") if "url(" in path.get("fill", "")
    }
    red_pattern = "url(#" + on_screen.find(f"{SVG}defs/{SVG}pattern").get("id") + ")"
    assert shapes[red_pattern].count("M") == 3, "the three red segments are one shape"
    assert len(shapes) == 3, "red, green and blue each painted once; amber has no segment"
    titles = [t.text for t in on_screen.iter(f"{SVG}title")][1:]
    assert "Right 3: 4 Red" in titles and len(titles) == 5

    in_print = ElementTree.fromstring(
        str(stacked_bar_chart("Rights", "BRAG", categories, brag_series(counts, categories), segment_titles=False))
    )
    assert [t.text for t in in_print.iter(f"{SVG}title")] == ["Rights"]
    assert {"2", "5", "4", "7"} <= {t.text for t in in_print.iter(f"{SVG}text")}, "figures still written on the bars"
