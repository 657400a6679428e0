namespace Oml.Runtime;

/// <summary>One symbol-version requirement of an ELF shared object (an entry of its <c>.gnu.version_r</c> section).</summary>
public sealed record ElfVersionNeed(string Library, string Version, bool IsWeak);
