namespace Oml.Losses;

/// <summary>How a per-sample loss vector is reduced (OML's <c>reduction</c>: "mean", "sum", "none").</summary>
public enum LossReduction
{
    Mean,
    Sum,
    None,
}
