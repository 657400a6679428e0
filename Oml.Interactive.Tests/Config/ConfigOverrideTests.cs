using Oml.Config;

namespace Oml.Tests.Config;

public sealed class ConfigOverrideTests
{
    [Theory]
    [InlineData("max_epochs=3", 3L)]
    [InlineData("criterion.args.margin=null", null)]
    [InlineData("lr=1e-5", 1e-5)]
    [InlineData("x=0.5", 0.5)]
    [InlineData("flag=true", true)]
    [InlineData("name=cosine", "cosine")]
    [InlineData("quoted='3'", "3")]
    public void ScalarsFollowTheYamlCoreSchema(string text, object? expected)
    {
        Assert.Equal(expected, ConfigOverride.Parse(text).Value);
    }

    [Fact]
    public void ListsAndNestedKeysApplyToTheConfig()
    {
        var config = new Dictionary<string, object?> { ["metric_args"] = new Dictionary<string, object?> { ["distance"] = "euclidean" } };
        ConfigOverride.Parse("metric_args.cmc_top_k=[1, 5]").ApplyTo(config);
        ConfigOverride.Parse("sampler.args.n_labels=4").ApplyTo(config);

        var metricArgs = (Dictionary<string, object?>)config["metric_args"]!;
        Assert.Equal(new List<object?> { 1L, 5L }, metricArgs["cmc_top_k"]);
        Assert.Equal("euclidean", metricArgs["distance"]);
        Assert.Equal(4L, ((Dictionary<string, object?>)((Dictionary<string, object?>)config["sampler"]!)["args"]!)["n_labels"]);
    }

    [Fact]
    public void BadOverridesSayWhatIsExpected()
    {
        Assert.Contains("expected key.path=value", Assert.Throws<OmlException>(() => ConfigOverride.Parse("max_epochs")).Message);
        Assert.Contains("is not a valid YAML value", Assert.Throws<OmlException>(() => ConfigOverride.Parse("x=[1, 2")).Message);
        var config = new Dictionary<string, object?> { ["seed"] = 1L };
        Assert.Contains("seed is a value, not a mapping", Assert.Throws<OmlException>(() => ConfigOverride.Parse("seed.x=1").ApplyTo(config)).Message);
    }
}
