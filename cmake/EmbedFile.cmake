# cmake -DINPUT=file -DOUTPUT=file.cc -DSYMBOL=kName -P EmbedFile.cmake
# Writes a C++ file defining `extern const unsigned char SYMBOL[]` with the
# bytes of INPUT and `extern const unsigned long SYMBOLSize` (its length).
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by cmake/EmbedFile.cmake; do not edit.\n"
  "extern const unsigned char ${SYMBOL}[] = {\n${bytes}\n};\n"
  "extern const unsigned long ${SYMBOL}Size = ${size};\n")
