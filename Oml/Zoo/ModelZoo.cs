namespace Oml.Zoo;

/// <summary>
/// The pretrained keys an extractor's <c>weights</c> may name: OML's model zoo (<see cref="ZooTable"/>, downloaded on
/// first use by <see cref="PretrainedWeights"/>) and the keys in <see cref="OfflineKeys"/>, which come from a NuGet
/// package instead.
/// </summary>
public static class ModelZoo
{
    /// <summary>Every key of OML's model zoo.</summary>
    public static readonly IReadOnlySet<string> Keys = ZooTable.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>The pretrained keys that work offline (from NuGet packages): <see cref="MlNetResnet18.ZooKey"/>.</summary>
    public static readonly IReadOnlySet<string> OfflineKeys = new HashSet<string>(StringComparer.Ordinal) { MlNetResnet18.ZooKey };

    /// <summary>
    /// What is wrong with an extractor block that names an offline key: the package missing, or an architecture the
    /// weights do not fit (<paramref name="name"/> and <paramref name="args"/> are the block's, <paramref name="path"/> its config path).
    /// </summary>
    public static IEnumerable<string> OfflineKeyProblems(string key, string name, IReadOnlyDictionary<string, object?> args, string path)
    {
        if (key != MlNetResnet18.ZooKey) yield break;
        var arch = args.GetValueOrDefault("arch") as string;
        var removeFc = args.GetValueOrDefault("remove_fc");
        if (name != "resnet" || arch != MlNetResnet18.Arch || removeFc is false or "false" or "False")
        {
            yield return $"{path}.args.weights = '{key}' is the ML.NET ResNet-18 (BasicBlocks [2, 2, 2, 3], no classifier): it needs " +
                         $"{{name: resnet, args: {{arch: {MlNetResnet18.Arch}, remove_fc: true}}}}, got name: {name}, arch: {arch ?? "null"}" +
                         (removeFc is null ? "" : $", remove_fc: {removeFc}");
        }
        if (MlNetResnet18.MissingReason() is { } missing) yield return $"{path}.args.weights: {missing}";
    }
}
