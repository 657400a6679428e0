namespace Oml.Images;

/// <summary>Argument checks shared by the built-in transforms.</summary>
internal static class TransformArgs
{
    public static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, $"{name} must be positive, got {value}");

    public static double Probability(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1], got {value}");
}
