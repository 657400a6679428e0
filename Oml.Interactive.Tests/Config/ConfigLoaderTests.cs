using Oml.Config;

namespace Oml.Tests.Config;

public sealed class ConfigLoaderTests
{
    private static readonly DateTime Now = new(2026, 11, 29, 23, 5, 7);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oml-configs", name);

    private static Dictionary<string, object?> Map(object? value) => Assert.IsType<Dictionary<string, object?>>(value);

    [Fact]
    public void OmlCarsTrainConfigLoadsWithItsInterpolationsResolved()
    {
        var config = ConfigLoader.Load(Fixture("train_cars.yaml"), now: Now);
        var values = config.Values;

        Assert.Equal("2026-11-29_23-05-07_metric_learning_cars", values["logs_folder"]);
        Assert.Equal("logs/CARS196//2026-11-29_23-05-07_metric_learning_cars/", values["hydra_dir"]);
        Assert.Equal(new List<object?> { "metric_learning_cars", "cars" }, values["tags"]);
        Assert.Equal(1e-5, Map(Map(values["optimizer"])["args"])["lr"]);
        Assert.Null(Map(Map(values["criterion"])["args"])["margin"]);
        Assert.False(values.ContainsKey("hydra"));
        Assert.Contains(config.Notes, n => n.StartsWith("hydra:", StringComparison.Ordinal));
    }

    [Fact]
    public void OmlPipelineTestConfigTakesOptimizerAndSamplerFromTheDefaultsList()
    {
        var values = ConfigLoader.Load(Fixture("test_pipelines_train.yaml"), now: Now).Values;

        var optimizer = Map(values["optimizer"]);
        Assert.Equal("sgd", optimizer["name"]);
        Assert.Equal(1e-5, Map(optimizer["args"])["lr"]);
        var sampler = Map(values["sampler"]);
        Assert.Equal("balance", sampler["name"]);
        Assert.Equal(2L, Map(sampler["args"])["n_labels"]);
        Assert.Equal("arcface", Map(values["criterion"])["name"]);
    }

    [Fact]
    public void OmlValidateAndPredictConfigsLoad()
    {
        Assert.Equal("vits16_cars", Map(Map(ConfigLoader.Load(Fixture("val_cars.yaml")).Values["extractor"])["args"])["weights"]);
        Assert.Equal("data/", ConfigLoader.Load(Fixture("predict_cars.yaml")).Values["data_dir"]);
    }

    [Fact]
    public void AGroupOverrideInTheDefaultsListPicksAnotherBlock()
    {
        var values = ConfigLoader.Load(Fixture("test_pipelines_train.yaml"), ["optimizer=adamw", "sampler.args.n_labels=4"]).Values;

        Assert.Equal("adamw", Map(values["optimizer"])["name"]);
        Assert.Equal(4L, Map(Map(values["sampler"])["args"])["n_labels"]);
    }

    [Fact]
    public void ABareNameReplacesANestedBlockWithItsBuiltInDefaults()
    {
        var values = ConfigLoader.Load(Fixture("train_cars.yaml"),
            ["criterion.args.miner=miner_with_bank", "criterion.args.margin=0.2", "postprocessor=k_reciprocal", "max_epochs=3"]).Values;

        var criterionArgs = Map(Map(values["criterion"])["args"]);
        var miner = Map(criterionArgs["miner"]);
        Assert.Equal("miner_with_bank", miner["name"]);
        Assert.Equal(3L, Map(miner["args"])["bank_size_in_batches"]);
        Assert.Equal(0.2, criterionArgs["margin"]);
        Assert.Equal(new Dictionary<string, object?> { ["name"] = "k_reciprocal", ["args"] = new Dictionary<string, object?>() }, Map(values["postprocessor"]));
        Assert.Equal(3L, values["max_epochs"]);
    }

    [Fact]
    public void OverridesChangeInterpolatedValuesAndCanAddOrDeleteKeys()
    {
        var values = ConfigLoader.Load(Fixture("train_cars.yaml"), ["postfix=mine", "~logger", "+extra.depth=2"], Now).Values;

        Assert.Equal("2026-11-29_23-05-07_mine", values["logs_folder"]);
        Assert.False(values.ContainsKey("logger"));
        Assert.Equal(2L, Map(values["extra"])["depth"]);
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Load(Fixture("train_cars.yaml"), ["~no_such_key"]));
        Assert.Contains("no_such_key", error.Message);
    }

    [Fact]
    public void SelfFirstInTheDefaultsListLetsTheBlocksWin()
    {
        const string yaml = "defaults:\n  - _self_\n  - optimizer: adam\noptimizer:\n  name: sgd\n  args:\n    lr: 0.5\n    momentum: 0.9\n";
        var optimizer = Map(ConfigLoader.Parse(yaml, "t.yaml", null).Values["optimizer"]);
        Assert.Equal("adam", optimizer["name"]);
        Assert.Equal(new Dictionary<string, object?> { ["lr"] = 1e-5, ["momentum"] = 0.9 }, Map(optimizer["args"]));

        const string selfLast = "defaults:\n  - optimizer: adam\noptimizer:\n  args:\n    lr: 0.5\n";
        var merged = Map(ConfigLoader.Parse(selfLast, "t.yaml", null).Values["optimizer"]);
        Assert.Equal("adam", merged["name"]);
        Assert.Equal(0.5, Map(merged["args"])["lr"]);
    }

    [Fact]
    public void ABlockFileNextToTheConfigWinsOverTheBuiltInOne()
    {
        using var dir = new TempDirectory();
        dir.Write("sampler/balance.yaml", "name: balance\nargs:\n  n_labels: 7\n  n_instances: 3\n");
        var config = dir.Write("train.yaml", "defaults:\n  - sampler: balance\n  - miner@criterion.args.miner: hard_triplets\n");

        var values = ConfigLoader.Load(config).Values;
        Assert.Equal(7L, Map(Map(values["sampler"])["args"])["n_labels"]);
        Assert.Equal("hard_triplets", Map(Map(Map(Map(values["criterion"])["args"])["miner"]))["name"]);
    }

    [Fact]
    public void AWholeValueReferenceKeepsItsType()
    {
        const string yaml = "ks: [1, 5]\nmetric_args:\n  cmc_top_k: ${ks}\n  n: ${size}\nsize: 3\ntext: n=${size}, flag=${flag}\nflag: true\n";
        var values = ConfigLoader.Parse(yaml, "t.yaml", null).Values;

        Assert.Equal(new List<object?> { 1L, 5L }, Map(values["metric_args"])["cmc_top_k"]);
        Assert.Equal(3L, Map(values["metric_args"])["n"]);
        Assert.Equal("n=3, flag=True", values["text"]);
    }

    [Theory]
    [InlineData("a: ${b}\nb: ${a}\n", "refers back to itself")]
    [InlineData("a: ${logs_rot}\nlogs_root: x\n", "did you mean 'logs_root'")]
    [InlineData("a: ${now:%Q}\n", "'%Q'")]
    [InlineData("a: ${foo:bar}\n", "unknown resolver 'foo'")]
    [InlineData("defaults:\n  - optimizer: adma\n", "did you mean 'adam'")]
    [InlineData("defaults:\n  - optimiser: adam\n", "did you mean 'optimizer'")]
    [InlineData("a: [1, 2\nb: 3\n", "t.yaml:")]
    [InlineData("- 1\n- 2\n", "must be a mapping")]
    public void MistakesAreReportedWithTheirPlace(string yaml, string expected)
    {
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Parse(yaml, "t.yaml", null));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void EnvironmentVariablesResolveWithADefault()
    {
        var values = ConfigLoader.Parse("a: ${oc.env:OML_SURELY_UNSET_VAR,fallback}\nb: ${oc.env:PATH}\n", "t.yaml", null).Values;
        Assert.Equal("fallback", values["a"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), values["b"]);
    }

    [Fact]
    public void EveryBuiltInBlockParsesAndNamesItself()
    {
        Assert.Contains("optimizer", BuiltInBlocks.Groups.Keys);
        foreach (var (group, names) in BuiltInBlocks.Groups)
        {
            foreach (var name in names)
            {
                var block = BuiltInBlocks.TryLoad(group, name);
                Assert.NotNull(block);
                Assert.Equal(name, block!["name"]);
            }
        }
    }
}
