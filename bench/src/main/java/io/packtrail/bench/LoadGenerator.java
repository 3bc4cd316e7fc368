package io.packtrail.bench;
public class LoadGenerator { public static void main(String[] a) {} }
