using System.Runtime.InteropServices;

namespace Oml.Retrieval;

/// <summary>A native USearch index, freed once, after the last call that uses it has returned.</summary>
internal sealed class USearchHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        USearchNative.Free(handle, out var error);
        return error == IntPtr.Zero;
    }
}
