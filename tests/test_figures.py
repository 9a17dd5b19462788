"""afghan_relations.figures: properties of the drawn figures that the built book cannot show easily."""
import matplotlib
import pandas as pd

from afghan_relations import analysis, figures, load

matplotlib.use("Agg")


def test_recognition_ladder_axis_ends_on_the_last_day_of_the_data(real_data):
    steps, actors = load.recognition_steps(real_data), load.actors(real_data)
    last_day = steps["date_max"].fillna(steps["date_min"]).max()
    fig = figures.plot_recognition_ladder(steps, actors)
    right = fig.axes[0].get_xlim()[1]
    expected = analysis.decimal_year([last_day + pd.Timedelta(days=1)])[0]
    assert right == expected
    # not a month beyond the data (it used to run to the end of February 2026; the data end 16 January)
    assert right - analysis.decimal_year([last_day])[0] < 2 / 366
    matplotlib.pyplot.close(fig)
