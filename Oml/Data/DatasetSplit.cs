namespace Oml.Data;

/// <summary>The <c>split</c> column of an OML dataframe.</summary>
public enum DatasetSplit
{
    Train,
    Validation,
}
