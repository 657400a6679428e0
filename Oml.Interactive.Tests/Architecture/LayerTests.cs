using System.Text.RegularExpressions;

namespace Oml.Tests.Architecture;

/// <summary>
/// The layers of DESIGN: concept folders under the registry layer under the pipelines under the views; dependencies
/// point down only. Read from the source: a using directive or a qualified name outside comments.
/// </summary>
public sealed class LayerTests
{
    private static readonly string[] UpperLayers = ["Registries", "Pipelines", "Views"];

    public static TheoryData<string> ConceptFolders()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(Path.Combine(Repository(), "Oml")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (folder is "bin" or "obj" || UpperLayers.Contains(folder)) continue;
            data.Add(folder!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ConceptFolders))]
    public void A_concept_folder_never_reaches_up_into_the_registry_pipelines_or_views(string folder)
    {
        Assert.Empty(References(folder, UpperLayers));
    }

    [Fact]
    public void The_registry_layer_never_reaches_up_into_pipelines_or_views()
    {
        Assert.Empty(References("Registries", ["Pipelines", "Views"]));
    }

    [Fact]
    public void Pipelines_never_reach_up_into_views()
    {
        Assert.Empty(References("Pipelines", ["Views"]));
    }

    [Theory]
    [InlineData("Miners", "Losses")]      // losses take what miners mine, never the reverse
    [InlineData("Models", "Training")]    // weights load through Oml.Weights' checkpoint reader
    [InlineData("Visualization", "Pipelines")]
    public void A_concept_does_not_depend_on_another_it_sits_under(string folder, string forbidden)
    {
        Assert.Empty(References(folder, [forbidden]));
    }

    private static IReadOnlyList<string> References(string folder, IReadOnlyList<string> namespaces)
    {
        var pattern = new Regex($@"\bOml\.({string.Join("|", namespaces)})\b");
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Repository(), "Oml", folder), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Trim();
                if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                if (pattern.IsMatch(code)) found.Add($"{Path.GetRelativePath(Repository(), file)}:{i + 1}: {code}");
            }
        }
        return found;
    }

    private static string Repository() => RepositoryRoot.Path;
}
