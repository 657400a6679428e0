namespace Oml.Models;

/// <summary>
/// A model whose backbone can be frozen for the first epochs (OML's <c>IFreezable</c>, used by <c>freeze_n_epochs</c>):
/// <see cref="Freeze"/> stops the backbone's gradients, <see cref="Unfreeze"/> lets them flow again.
/// </summary>
public interface IFreezable
{
    /// <summary>Backbone parameters get requires_grad = false.</summary>
    void Freeze();

    /// <summary>Backbone parameters get requires_grad = true.</summary>
    void Unfreeze();
}
