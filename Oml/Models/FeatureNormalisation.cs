namespace Oml.Models;

/// <summary>What an extractor does to its features at the very end (OML's <c>normalise_features</c>).</summary>
public enum FeatureNormalisation
{
    /// <summary>Features as they come out of the network.</summary>
    None,

    /// <summary>
    /// x / ||x||₂ with the gradient flowing through the norm (the standard, e.g. <c>F.normalize</c>); our choice when a
    /// config says <c>normalise_features: true</c>.
    /// </summary>
    L2,

    /// <summary>x / ||x||₂ with the norm detached, exactly OML's <c>oml/utils/misc_torch.py: normalise</c> (quirk Q12 in docs/oml-quirks.md).</summary>
    L2DetachedNorm,
}
