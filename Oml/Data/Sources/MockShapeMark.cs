namespace Oml.Data.Sources;

/// <summary>What distinguishes classes of the same shape family: nothing, a hole, one or two cut slots, or an outline only.</summary>
internal enum MockShapeMark
{
    None,
    Hole,
    Slot,
    CrossSlot,
    Outline,
}
