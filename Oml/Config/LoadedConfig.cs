namespace Oml.Config;

/// <summary>
/// A composed config: the YAML file with its <c>defaults:</c> blocks merged in, the command-line overrides applied
/// and the interpolations resolved. <see cref="Notes"/> says what was taken from elsewhere or left out.
/// </summary>
public sealed record LoadedConfig(Dictionary<string, object?> Values, string Source, IReadOnlyList<string> Notes);
