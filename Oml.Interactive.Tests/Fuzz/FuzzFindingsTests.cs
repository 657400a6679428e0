using Oml.Config;
using Oml.Registries;

namespace Oml.Tests.Fuzz;

/// <summary>What <see cref="LoaderFuzzTests"/> found, one regression test each: a crash or a message that named nothing.</summary>
public sealed class FuzzFindingsTests : TempDirectoryTest
{
    [Theory]
    [InlineData("seed: 1\n? [a, b]\n: c\n", "t.yaml:2:3: a key is a list; config keys are plain names")]
    [InlineData("seed: 1\n? {a: 1}\n: c\n", "t.yaml:2:3: a key is a mapping; config keys are plain names")]
    [InlineData("seed: 1\nx: {? [1]: 2}\n", "t.yaml:2:7: a key is a list")]
    public void AComplexYamlKeyIsAUserErrorWithItsPosition(string yaml, string expected)
    {
        // was an InvalidCastException (exit 70, "internal error")
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Parse(yaml, "t.yaml", null));
        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void TwoKeysThatReadTheSameAreAUserError()
    {
        // YamlDotNet keeps `1` and `!!str 1` apart; as config keys both are "1"
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Parse("1: a\n!!str 1: b\n", "t.yaml", null));
        Assert.Equal("t.yaml:2:1: the key '1' appears twice in the same mapping; keep one", error.Message);
    }

    [Theory]
    [InlineData("loop: &l [*l]\n")]
    [InlineData("loop: &m {a: *m}\n")]
    public void AnAliasInsideItsOwnValueIsAUserErrorNotAStackOverflow(string yaml)
    {
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Parse(yaml, "t.yaml", null));
        Assert.Contains("nested more than 64 levels deep (or an alias '*' refers to a value that contains it)", error.Message);
        Assert.StartsWith("t.yaml:", error.Message);
    }

    [Fact]
    public void ListsAndMappingsInMessagesAreWrittenAsYamlNotAsTypeNames()
    {
        var defaults = Assert.Throws<OmlException>(() => ConfigLoader.Parse("defaults: [{a: b, c: d}]\n", "t.yaml", null));
        Assert.Equal("t.yaml: defaults[0] = {a: b, c: d} is not valid: expected '<group>: <name>' (e.g. 'optimizer: adam') or '_self_'", defaults.Message);

        Assert.Equal("x_[1, [2, {a: None}]]", ConfigTree.ToInlineString("x_") + ConfigTree.ToInlineString(new List<object?> { 1L, new List<object?> { 2L, new Dictionary<string, object?> { ["a"] = null } } }));
        var interpolated = ConfigLoader.Parse("k: [1, 5]\nname: top_${k}\n", "t.yaml", null).Values["name"];
        Assert.Equal("top_[1, 5]", interpolated);
    }

    [Fact]
    public void ABlockOfTheWrongShapeSaysABlockOnce()
    {
        var error = Assert.Throws<OmlException>(() => ConfigBlock.FromValue(5L, "optimizer"));
        Assert.Equal("optimizer is not valid: expected a block {name: ..., args: {...}} or a bare name", error.Message);
        var extra = Assert.Throws<OmlException>(() => ConfigBlock.FromValue(new Dictionary<string, object?> { ["name"] = "adam", ["lr"] = 1.0 }, "optimizer"));
        Assert.EndsWith("; a block is {name: ..., args: {...}}", extra.Message);
    }

    [Fact]
    public void ADataframeSeparatedBySemicolonsSaysSo()
    {
        var csv = Dir.Write("df.csv", "label;path;split;is_query;is_gallery\n0;a.jpg;train;;\n");
        var error = Assert.Single(DatasetFrame.Validate(csv).Errors);
        Assert.Equal("the header is a single column, 'label;path;split;is_query;is_gallery': an OML dataframe is comma-separated, this file looks separated by ';'", error.ToString());
    }
}
