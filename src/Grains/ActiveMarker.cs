using System.Globalization;
using System.Text;

namespace Uploads.Grains;

/// <summary>The content of an active-upload marker record: the time it was made, as RFC 3339 text.</summary>
internal static class ActiveMarker
{
    public static byte[] Create(DateTimeOffset madeAt) => Encoding.UTF8.GetBytes(madeAt.ToString("O", CultureInfo.InvariantCulture));

    public static DateTimeOffset? MadeAt(byte[] data) =>
        DateTimeOffset.TryParse(Encoding.UTF8.GetString(data), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var madeAt) ? madeAt : null;
}
