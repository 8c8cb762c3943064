"""Name native addresses from a shared library's own ELF symbol tables.

vmprof leaves PyPy's native frames unnamed.  The libraries are still on disk, and even a
stripped one keeps its dynamic symbol table (.dynsym): libpypy exports its C-API as PyPy*,
libc exports malloc and free.  An address is named only when it lies inside a function
symbol's [start, start + size): internal (static) functions stay unnamed rather than being
given a neighbour's name.
"""
import bisect
import struct

SHT_SYMTAB, SHT_DYNSYM = 2, 11
STT_FUNC = 2
PT_LOAD = 1


class ElfSymbols(object):
    def __init__(self, path):
        self.path = path
        self.loads = []      # (p_offset, p_filesz, p_vaddr)
        self.starts, self.symbols = [], []
        try:
            with open(path, "rb") as elf:
                data = elf.read()
            self._parse(data)
        except (OSError, struct.error, ValueError, IndexError):
            self.loads, self.starts, self.symbols = [], [], []

    def _parse(self, data):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            return  # only 64-bit little-endian ELF
        phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
        for i in range(phnum):
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
                "<IIQQQQ", data, phoff + i * phentsize)
            if p_type == PT_LOAD:
                self.loads.append((p_offset, p_filesz, p_vaddr))
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                    for i in range(shnum)]
        functions = {}
        for sh in sections:
            if sh[1] not in (SHT_SYMTAB, SHT_DYNSYM) or not sh[9]:
                continue
            strtab = sections[sh[6]]
            for offset in range(sh[4], sh[4] + sh[5], sh[9]):
                st_name, st_info, _other, st_shndx, st_value, st_size = struct.unpack_from(
                    "<IBBHQQ", data, offset)
                if st_info & 0xF == STT_FUNC and st_size and st_shndx and st_value:
                    start = strtab[4] + st_name
                    name = data[start:data.index(b"\0", start)].decode("ascii", "replace")
                    functions[st_value] = (st_value + st_size, name)
        for value in sorted(functions):
            self.starts.append(value)
            self.symbols.append((value,) + functions[value])

    def vaddr_of_file_offset(self, file_offset):
        for p_offset, p_filesz, p_vaddr in self.loads:
            if p_offset <= file_offset < p_offset + p_filesz:
                return file_offset - p_offset + p_vaddr
        return None

    def name_at(self, vaddr):
        i = bisect.bisect_right(self.starts, vaddr) - 1
        if i >= 0:
            start, end, name = self.symbols[i]
            if start <= vaddr < end:
                return name
        return None
