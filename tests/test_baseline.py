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


def test_log_count_ratio_matches_a_hand_count_on_a_toy_corpus():
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    reviews = ["not bad not bad", "great film", "bad film", "worst film not good"]
    labels = [1, 1, 0, 0]
    counts = CountVectorizer(token_pattern=r"\S+").fit(reviews)
    ratio = dict(zip(counts.get_feature_names_out(), baseline.log_count_ratio(counts.transform(reviews), labels),
                     strict=True))
    # by hand, alpha = 1: 1 + the number of positive (p) or negative (q) reviews that hold the word; "not bad not bad"
    # counts once (binarized)
    p = {"bad": 2, "film": 2, "good": 1, "great": 2, "not": 2, "worst": 1}
    q = {"bad": 2, "film": 3, "good": 2, "great": 1, "not": 2, "worst": 2}
    for word in p:
        expected = np.log((p[word] / sum(p.values())) / (q[word] / sum(q.values())))
        assert np.isclose(ratio[word], expected), word
    assert ratio["great"] > 0 > ratio["worst"]


def test_nb_ngrams_weigh_bigrams_and_learn_on_real_reviews():
    dataset = data.load_imdb(data.SAMPLE_DIR)
    result = baseline.train_nb_ngrams(dataset, ngram_range=(1, 2))
    assert result.test.metrics["n"] == 1000 and result.test.metrics["accuracy"] > 0.7
    weights = baseline.top_features(result.model, n=5)
    assert all(w < 0 for _, w in weights["negative"]) and all(w > 0 for _, w in weights["positive"])
    names = set(result.model.named_steps["counts"].get_feature_names_out())
    assert "not bad" in names and "<br" not in " ".join(list(names)[:1000])


def test_nb_ngram_choice_reads_validation_only():
    dataset = data.load_imdb(data.SAMPLE_DIR)
    table = baseline.choose_nb_ngrams(dataset["train"], dataset["validation"], ngram_ranges=((1, 1), (1, 2)),
                                      Cs=(0.1, 1.0))
    assert len(table) == 4 and set(table["n-grams"]) == {"1-1", "1-2"}
    assert table["validation accuracy"].between(0, 1).all()
