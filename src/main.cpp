#include "app/app_main.hpp"

int main(int argc, char** argv) { return soundscripter::app_main(argc, argv); }
