namespace Oml.Retrieval;

/// <summary>Config names of <see cref="DistanceKind"/>.</summary>
public static class DistanceKinds
{
    public static string Name(DistanceKind kind) => kind switch
    {
        DistanceKind.Euclidean => "euclidean",
        DistanceKind.SquaredEuclidean => "squared_euclidean",
        DistanceKind.Cosine => "cosine",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static DistanceKind Parse(string name, string configPath) => name switch
    {
        "euclidean" => DistanceKind.Euclidean,
        "squared_euclidean" => DistanceKind.SquaredEuclidean,
        "cosine" => DistanceKind.Cosine,
        _ => throw new OmlException($"{configPath} = '{name}' is not valid: expected euclidean, squared_euclidean or cosine"),
    };
}
