namespace Oml.Models;

/// <summary>Which DINO VisionTransformer a <see cref="ViTSpec"/> follows.</summary>
public enum ViTFamily
{
    /// <summary>DINO v1 (<c>vit_dino/external/vision_transformer.py</c>): any input side, the remainder of a patch dropped.</summary>
    Dino,

    /// <summary>
    /// DINOv2 (<c>vit_dino/external_v2/vision_transformer.py</c>): layer scale after attention and MLP
    /// (<c>ls1.gamma</c>, <c>ls2.gamma</c>), an unused <c>mask_token</c>, q scaled before q kᵀ, and input sides that
    /// must be multiples of the patch.
    /// </summary>
    Dinov2,
}
