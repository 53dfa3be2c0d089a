from sentiment_helpers import baseline, data


def test_baseline_learns_on_real_reviews_and_exposes_its_weights():
    dataset = data.load_imdb(data.SAMPLE_DIR)
    result = baseline.train_baseline(dataset)
    assert result.test.metrics["n"] == 1000
    assert result.test.metrics["accuracy"] > 0.7  # 900 training reviews; chance is 0.5
    assert result.test.confusion.sum() == 1000
    weights = baseline.top_features(result.model, n=5)
    assert len(weights["negative"]) == len(weights["positive"]) == 5
    assert all(w < 0 for _, w in weights["negative"]) and all(w > 0 for _, w in weights["positive"])


def test_baseline_reads_bigrams_after_the_course_cleaning():
    model = baseline.make_baseline(min_df=1).fit(["Not bad<br />at ALL!", "so bad, not good"], [1, 0])
    features = set(model.named_steps["tfidf"].get_feature_names_out())
    assert {"not bad", "bad at", "at all", "not good"} <= features and "<br" not in " ".join(features)
