namespace Oml.Data;

public enum DatasetProblemSeverity
{
    /// <summary>The dataframe cannot be used.</summary>
    Error,

    /// <summary>Usable, but probably not what was meant (duplicate paths, a label with several categories, ...).</summary>
    Warning,
}
