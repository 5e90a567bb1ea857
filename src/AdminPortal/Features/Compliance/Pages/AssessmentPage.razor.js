// Saves the PDF the circuit rendered: the bytes arrive as a stream reference, become a Blob, and a temporary link
// downloads it under the given file name.
export async function saveFile(fileName, streamReference) {
    const buffer = await streamReference.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: "application/pdf" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
}
