using Oml.IO;
using YamlDotNet.Serialization;

namespace Oml.Pipelines;

/// <summary>The composed, resolved config as YAML (written to a run's folder so the run can be repeated).</summary>
public static class ConfigYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    public static string Serialize(IReadOnlyDictionary<string, object?> values) => Serializer.Serialize(values);

    public static void Write(string path, IReadOnlyDictionary<string, object?> values)
    {
        OutputLocation.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, Serialize(values));
    }
}
